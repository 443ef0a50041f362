import { NodeOperationError, sleep } from 'n8n-workflow';

import { downloadInterrupted } from './errors';
import { throwIfCancelled } from './session';
import type { ApiContext, BodyStream } from './types';

/** An error body is an envelope of a few hundred bytes; nothing past this is read. */
const ERROR_BODY_MAX_BYTES = 64 * 1024;
/** Data is seen a moment after the socket receives it, so a socket idle timeout looks a bit shorter. */
const STALL_TOLERANCE = 0.9;

interface Watch {
	idleMs: number;
	bytes: number;
	lastDataAt: number;
	stalled: boolean;
}

const watches = new WeakMap<BodyStream, Watch>();

/**
 * Guards a streamed body against stalls: the stream is destroyed once no data has arrived for
 * `idleMs`. n8n's request timeout ends when the headers arrive; whether an idle socket is closed
 * after that depends on how n8n sends the request (not when SSRF protection routes it through a
 * proxy), and a body that stopped part-way would then hang the execution for good. Data is seen
 * through the stream's own push(), which every Readable receives its data through, so watching
 * neither reads the stream nor changes how it flows. One sleep at a time, ended on close.
 */
export function watchStream(stream: BodyStream, idleMs: number): BodyStream {
	const watch: Watch = { idleMs, bytes: 0, lastDataAt: Date.now(), stalled: false };
	watches.set(stream, watch);
	const push = stream.push.bind(stream);
	stream.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
		watch.lastDataAt = Date.now();
		if (chunk instanceof Uint8Array || typeof chunk === 'string') watch.bytes += chunk.length;
		return push(chunk, encoding);
	};
	const closed = new AbortController();
	const finish = () => closed.abort();
	stream.once('end', finish);
	stream.once('close', finish);
	// Also keeps an error on a body nobody reads (a stall) from becoming an uncaught exception.
	stream.on('error', finish);
	void (async () => {
		while (!closed.signal.aborted) {
			const dueInMs = watch.lastDataAt + idleMs - Date.now();
			if (dueInMs <= 0) {
				watch.stalled = true;
				// ETIMEDOUT, so a stalled error body reads as "no response in time", like a timeout.
				stream.destroy(Object.assign(new Error('The response body stalled'), { code: 'ETIMEDOUT' }));
				return;
			}
			try {
				await sleep(dueInMs, closed.signal);
			} catch {
				return; // The stream closed: nothing left to watch.
			}
		}
	})();
	return stream;
}

/** Reads a (small) error body in full so its envelope can be parsed. Throws if it fails or stalls. */
export async function readErrorBody(stream: BodyStream): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream as AsyncIterable<Buffer | string>) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		chunks.push(buffer);
		size += buffer.length;
		// Leaving the loop destroys the stream, so the rest is never downloaded.
		if (size >= ERROR_BODY_MAX_BYTES) break;
	}
	return Buffer.concat(chunks).subarray(0, ERROR_BODY_MAX_BYTES);
}

/**
 * Hands a streamed body to n8n (prepareBinaryData). A download that fails part-way is not retried
 * (the body is consumed); it becomes a NodeApiError naming the cause and the bytes received, never
 * the underlying error, whose request holds the secret. A failure after the body arrived in full
 * (n8n could not store it) is not a download problem and is reported as n8n's own error.
 */
export async function consumeStream<T>(
	ctx: ApiContext,
	stream: BodyStream,
	consume: (stream: BodyStream) => Promise<T>,
	itemIndex?: number,
): Promise<T> {
	try {
		return await consume(stream);
	} catch (error) {
		const watch = watches.get(stream);
		const arrived = stream.readableEnded && !watch?.stalled;
		stream.destroy();
		throwIfCancelled(ctx);
		if (arrived) throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
		// A socket closed for being idle (by n8n's HTTP stack) is a stall too, not a drop.
		const quietMs = watch ? Date.now() - watch.lastDataAt : 0;
		const stalled = !!watch && (watch.stalled || quietMs >= watch.idleMs * STALL_TOLERANCE);
		const reason = stalled && watch ? `no data arrived for ${Math.ceil(watch.idleMs / 1000)} s` : 'the connection was dropped';
		throw downloadInterrupted(ctx.getNode(), reason, watch?.bytes ?? 0, itemIndex);
	}
}

/** Bytes a watched stream has received so far. */
export function bytesReceived(stream: BodyStream): number {
	return watches.get(stream)?.bytes ?? 0;
}

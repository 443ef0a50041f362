/**
 * One attempt: ONE HTTP request through n8n's httpRequestWithAuthentication, never retried here.
 * An HTTP error comes back as a response (its envelope and headers are read above); a missing
 * response comes back as its network code only, never the request (whose headers hold the
 * secret). A streamed body (a recording) is handed back unread but watched for stalls.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { networkCodeOf } from './errors';
import type { ApiContext, ApiRequest, ApiResponse, BodyStream } from './types';

export const CREDENTIAL_TYPE = 'agentiveVoiceApi';
/** An error body is an envelope of a few hundred bytes; nothing past this is read. */
const ERROR_BODY_MAX_BYTES = 64 * 1024;
/** Data is seen a moment after the socket receives it, so a socket idle timeout looks a bit shorter. */
export const STALL_TOLERANCE = 0.9;

export interface Watch {
	idleMs: number;
	bytes: number;
	lastDataAt: number;
	stalled: boolean;
}

const watches = new WeakMap<BodyStream, Watch>();

/** The stall watch of a streamed body, if it has one. */
export function watchOf(stream: BodyStream): Watch | undefined {
	return watches.get(stream);
}

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
				stream.destroy(
					Object.assign(new Error('The response body stalled'), { code: 'ETIMEDOUT' }),
				);
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

export const DEFAULT_TIMEOUT_MS = 30_000;

/** One attempt: either the API's response (any status) or the network code of a missing one. */
export type AttemptResult =
	| { kind: 'response'; response: ApiResponse }
	| { kind: 'no-response'; code: string };

/** Decodes a binary error body so its envelope can be read. */
function decodeBody(body: unknown): unknown {
	if (!Buffer.isBuffer(body)) return body;
	try {
		return JSON.parse(body.toString('utf8')) as unknown;
	} catch {
		return body.toString('utf8');
	}
}

/**
 * One HTTP attempt, never retried here. HTTP errors come back as responses (so the caller can
 * read the envelope and the rate-limit headers); a missing response comes back as its network
 * code only, never the request (whose headers hold the secret).
 *
 * With encoding 'stream' a 2xx body is returned unread, guarded against stalls, so a recording
 * goes to n8n's binary store as it arrives. An error status is read in full here (it is a small
 * envelope), so every policy above sees an error body exactly as with JSON, and a read retry
 * only ever repeats a request whose body was never handed over.
 */
export async function sendOnce(
	ctx: ApiContext,
	baseUrl: string,
	request: ApiRequest,
): Promise<AttemptResult> {
	const streamed = request.encoding === 'stream';
	const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		headers: { accept: streamed ? '*/*' : 'application/json', ...request.headers },
		json: !streamed,
		encoding: streamed ? 'stream' : undefined,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeoutMs,
	};
	let response: { statusCode: number; headers: ApiResponse['headers']; body: unknown };
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			CREDENTIAL_TYPE,
			options,
		)) as typeof response;
	} catch (error) {
		return { kind: 'no-response', code: networkCodeOf(error) ?? 'ECONNRESET' };
	}
	const ok = response.statusCode >= 200 && response.statusCode < 300;
	let body = response.body;
	if (streamed) {
		const stream = watchStream(body as BodyStream, timeoutMs);
		if (!ok) {
			try {
				body = await readErrorBody(stream);
			} catch (error) {
				return { kind: 'no-response', code: networkCodeOf(error) ?? 'ECONNRESET' };
			}
		}
	}
	return {
		kind: 'response',
		response: {
			statusCode: response.statusCode,
			headers: response.headers ?? {},
			body: (streamed && ok ? body : decodeBody(body)) as IDataObject,
		},
	};
}

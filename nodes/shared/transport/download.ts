/**
 * Download: handing a streamed body (a recording) to n8n's binary store as it arrives. The body
 * was watched for stalls by attempt.ts since its headers arrived.
 */
import { NodeOperationError } from 'n8n-workflow';

import { STALL_TOLERANCE, watchOf } from './attempt';
import { downloadInterrupted } from './errors';
import type { ApiContext, BodyStream } from './types';
import { throwIfCancelled } from './pacing';

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
		const watch = watchOf(stream);
		const arrived = stream.readableEnded && !watch?.stalled;
		stream.destroy();
		throwIfCancelled(ctx);
		if (arrived) throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
		// A socket closed for being idle (by n8n's HTTP stack) is a stall too, not a drop.
		const quietMs = watch ? Date.now() - watch.lastDataAt : 0;
		const stalled = !!watch && (watch.stalled || quietMs >= watch.idleMs * STALL_TOLERANCE);
		const reason =
			stalled && watch
				? `no data arrived for ${Math.ceil(watch.idleMs / 1000)} s`
				: 'the connection was dropped';
		throw downloadInterrupted(ctx.getNode(), reason, watch?.bytes ?? 0, itemIndex);
	}
}

/** Bytes a watched stream has received so far. */
export function bytesReceived(stream: BodyStream): number {
	return watchOf(stream)?.bytes ?? 0;
}

import { NodeOperationError } from 'n8n-workflow';

import { STALL_TOLERANCE, watchOf } from './attempt';
import { downloadInterrupted } from './errors';
import type { ApiContext, BodyStream } from './types';
import { throwIfCancelled } from './pacing';

/**
 * Hands a streamed body to n8n. A part-way failure is not retried (the body is consumed) and never
 * shows the underlying error (its request holds the secret); one after the body arrived is n8n's.
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

export function bytesReceived(stream: BodyStream): number {
	return watchOf(stream)?.bytes ?? 0;
}

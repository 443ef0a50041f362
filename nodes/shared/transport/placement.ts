/**
 * Placement: HOW a call is placed without ever dialling twice. When an attempt's outcome is
 * unknown, the call is looked up in the call log (callLog.ts) by reference_id before any retry.
 */
import { listedReferenceId } from '../apiFacts';
import { callKey, claimCall, claimPlaced, readCallLog } from './callLog';
import { placementFailed, placementNotRetried, placementOutcomeUnknown } from './errors';
import { exchange, pause, throwIfCancelled, type Session, type WaitBudget } from './pacing';
import { backoffMs, unknownOutcomeOf, type UnknownOutcome } from './retries';
import type { ApiContext, ApiRequest, ApiResponse } from './types';

/** The first try and two retries, each only after List calls showed the call was not placed. */
export const PLACEMENT_ATTEMPTS = 3;
/** After a timeout or dropped connection the server may still be creating the call. */
const SETTLE_MS = 1_000;

function recovered(call: { unique_id: string; reference_id: string | null }): ApiResponse {
	return {
		statusCode: 200,
		headers: {},
		body: {
			status: 'success',
			code: 200,
			unique_id: call.unique_id,
			reference_id: call.reference_id,
			details: 'Call queued. Its response was lost, so the call was found in List calls instead.',
			recovered: true,
		},
	};
}

/**
 * Places a call (POST /calls, campaign trigger) without ever dialling twice. A definite answer is
 * returned as it is. When the outcome is unknown (no response, timeout, 5xx), the calls to the
 * number since the first attempt are read from the call log: the one with this reference_id →
 * returned, marked recovered; none → placed again, at most PLACEMENT_ATTEMPTS times. Without a
 * reference_id an unknown outcome is never retried; a log that cannot be read ends the item as
 * "outcome unknown".
 */
export async function placeWithRecovery(
	ctx: ApiContext,
	session: Session,
	request: ApiRequest,
	budget: WaitBudget,
): Promise<ApiResponse> {
	const node = ctx.getNode();
	const { itemIndex } = request;
	const referenceId = listedReferenceId(
		request.placement?.referenceId ?? request.body?.reference_id,
	);
	const number = String(request.placement?.number ?? request.body?.number ?? '');
	const startedAt = Date.now();
	let last: UnknownOutcome | undefined;
	for (let attempt = 1; attempt <= PLACEMENT_ATTEMPTS; attempt++) {
		if (attempt > 1) await pause(ctx, backoffMs(attempt - 1));
		const result = await exchange(ctx, session, request, budget);
		const unknown = unknownOutcomeOf(result, true);
		if (!unknown && result.kind === 'response') {
			await claimPlaced(ctx, result.response.body?.unique_id);
			return result.response;
		}
		last = unknown ?? { summary: 'no definite answer', mayStillBeRunning: true };
		if (referenceId === undefined) throw placementNotRetried(node, last.summary, itemIndex);

		let found;
		try {
			if (last.mayStillBeRunning) await pause(ctx, SETTLE_MS);
			const query = { fromMs: startedAt, toMs: Date.now(), number, itemIndex };
			const calls = await readCallLog(ctx, { ...query, timeoutMs: request.timeoutMs });
			found = await claimCall(ctx, calls, (call) => callKey(call)?.referenceId === referenceId);
		} catch (error) {
			throwIfCancelled(ctx);
			const reason = error instanceof Error ? error.message : 'the lookup failed';
			throw placementOutcomeUnknown(
				node,
				`${last.summary}; lookup: ${reason}`,
				referenceId,
				itemIndex,
			);
		}
		if (found) return recovered(found);
	}
	throw placementFailed(
		node,
		last?.summary ?? 'no definite answer',
		referenceId ?? '',
		PLACEMENT_ATTEMPTS,
		itemIndex,
	);
}

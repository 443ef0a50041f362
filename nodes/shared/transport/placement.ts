/**
 * Placement: HOW a call is placed without ever dialling twice. When an attempt's outcome is
 * unknown, the call is looked up in List calls by reference_id before any retry.
 */
import type { IDataObject } from 'n8n-workflow';

import { listedReferenceId, MAX_PER_PAGE, parseApiInstant } from '../apiFacts';
import { placementFailed, placementNotRetried, placementOutcomeUnknown } from './errors';
import type { ApiContext, ApiRequest, ApiResponse } from './types';
import { pages } from './pages';
import { exchange, pause, throwIfCancelled, type Session, type WaitBudget } from './pacing';
import { backoffMs, unknownOutcomeOf, type UnknownOutcome } from './retries';

/** The first try and two retries, each only after List calls showed the call was not placed. */
export const PLACEMENT_ATTEMPTS = 3;
const LOOKUP_ATTEMPTS = 3;
const LOOKUP_MAX_PAGES = 5;
/** After a timeout or dropped connection the server may still be creating the call. */
const SETTLE_MS = 1_000;
/**
 * Slack on the lookup's recency window (see searchOnce): created_at has whole seconds, and the
 * API may take a moment to create the call. Too wide only risks taking an older call with the
 * same reference_id for this one; too narrow would place a call twice, the worse failure.
 */
const RECENT_MARGIN_MS = 120_000;

interface FoundCall {
	unique_id: string;
	reference_id: string | null;
}

interface Target {
	number: string;
	referenceId: string;
	/** Host time just before the first attempt: only ever compared with the host clock. */
	startedAt: number;
	/** The operation's Timeout, for the lookups too. */
	timeoutMs?: number;
}

function rememberPlaced(session: Session, response: ApiResponse): void {
	const id = response.body?.unique_id;
	if (typeof id === 'string') session.placedIds.add(id);
}

function recovered(call: FoundCall): ApiResponse {
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
 * One pass over List calls for the number, most recent first; 'retry' when a page got no definite
 * answer. There is no `from` bound: it would have to come from the host clock, and with the host
 * and the API clocks apart a placed call would be missed and placed twice. The window is taken in
 * the API's own time instead: a call this item placed was created after the first attempt, so at
 * most `elapsed` (host time since then, a duration, immune to clock offsets) before the newest call
 * listed for the number. Older calls are not considered, so an earlier call that reused the
 * reference_id is not taken for this one once any newer call to the number exists.
 */
async function searchOnce(
	ctx: ApiContext,
	session: Session,
	target: Target,
	budget: WaitBudget,
	itemIndex: number | undefined,
): Promise<FoundCall | undefined | 'retry' | 'unknown'> {
	// Why a page could not be read: 'retry' (no definite answer) or 'unknown' (an error answer).
	// The page then reads as empty, which ends the iteration.
	let failed: 'retry' | 'unknown' | undefined;
	const fetchPage = async (page: number): Promise<unknown> => {
		const qs: IDataObject = { per_page: MAX_PER_PAGE, page };
		if (target.number) qs.number = target.number;
		const request: ApiRequest = {
			method: 'GET',
			path: '/calls',
			qs,
			itemIndex,
			timeoutMs: target.timeoutMs,
		};
		const result = await exchange(ctx, session, request, budget);
		if (unknownOutcomeOf(result, true) || result.kind !== 'response') {
			failed = 'retry';
			return undefined;
		}
		const { statusCode, body } = result.response;
		if (statusCode < 200 || statusCode >= 300 || body.status === 'error') {
			failed = 'unknown';
			return undefined;
		}
		return body;
	};
	let windowStartMs: number | undefined;
	for await (const { page, data, more } of pages<IDataObject>(fetchPage, LOOKUP_MAX_PAGES)) {
		if (failed) return failed;
		if (page === 1) {
			const created = data
				.map((call) => parseApiInstant(call.created_at))
				.filter((ms): ms is number => ms !== null);
			const elapsedMs = Date.now() - target.startedAt;
			if (created.length > 0) windowStartMs = Math.max(...created) - elapsedMs - RECENT_MARGIN_MS;
		}
		for (const call of data) {
			const createdMs = parseApiInstant(call.created_at);
			// Most recent first: everything from here on is older than any call this item placed.
			if (windowStartMs !== undefined && createdMs !== null && createdMs < windowStartMs)
				return undefined;
			if (
				typeof call.unique_id === 'string' &&
				listedReferenceId(call.reference_id) === target.referenceId &&
				!session.placedIds.has(call.unique_id)
			) {
				return call as unknown as FoundCall;
			}
		}
		if (!more) return undefined;
	}
	return 'unknown';
}

/** Looks the call up in List calls: found, not there, or 'unknown' when the lookup cannot tell. */
async function findPlacedCall(
	ctx: ApiContext,
	session: Session,
	target: Target,
	budget: WaitBudget,
	itemIndex: number | undefined,
): Promise<FoundCall | undefined | 'unknown'> {
	for (let attempt = 1; attempt <= LOOKUP_ATTEMPTS; attempt++) {
		if (attempt > 1) await pause(ctx, backoffMs(attempt - 1));
		const outcome = await searchOnce(ctx, session, target, budget, itemIndex);
		if (outcome !== 'retry') return outcome;
	}
	return 'unknown';
}

/**
 * Places a call (POST /calls, campaign trigger) without ever dialling twice. A definite answer is
 * returned as it is. When the outcome is unknown (no response, timeout, 5xx), the call is looked
 * up by reference_id in List calls: found → returned, marked recovered; not found → placed again,
 * at most PLACEMENT_ATTEMPTS times. Without a reference_id an unknown outcome is never retried.
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
			rememberPlaced(session, result.response);
			return result.response;
		}
		last = unknown ?? { summary: 'no definite answer', mayStillBeRunning: true };
		if (referenceId === undefined) throw placementNotRetried(node, last.summary, itemIndex);

		let found: FoundCall | undefined | 'unknown';
		try {
			if (last.mayStillBeRunning) await pause(ctx, SETTLE_MS);
			const target: Target = { number, referenceId, startedAt, timeoutMs: request.timeoutMs };
			found = await findPlacedCall(ctx, session, target, budget, itemIndex);
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
		if (found === 'unknown')
			throw placementOutcomeUnknown(node, last.summary, referenceId, itemIndex);
		if (found) {
			session.placedIds.add(found.unique_id);
			return recovered(found);
		}
	}
	throw placementFailed(
		node,
		last?.summary ?? 'no definite answer',
		referenceId ?? '',
		PLACEMENT_ATTEMPTS,
		itemIndex,
	);
}

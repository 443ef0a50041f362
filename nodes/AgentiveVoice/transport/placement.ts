import type { IDataObject } from 'n8n-workflow';
import { DateTime, FixedOffsetZone } from 'luxon';

import { placementFailed, placementNotRetried, placementOutcomeUnknown } from './errors';
import { exchange, type WaitBudget } from './exchange';
import { unknownOutcomeOf, type UnknownOutcome } from './outcome';
import { backoffMs } from './retryPolicies';
import { pause, throwIfCancelled, type Session } from './session';
import type { ApiContext, ApiRequest, ApiResponse } from './types';

/** The first try and two retries, each only after List calls showed the call was not placed. */
export const PLACEMENT_ATTEMPTS = 3;
const LOOKUP_ATTEMPTS = 3;
const LOOKUP_PER_PAGE = 100;
const LOOKUP_MAX_PAGES = 5;
/** After a timeout or dropped connection the server may still be creating the call. */
const SETTLE_MS = 1_000;
/**
 * Slack on the lookup's recency window (see searchOnce): created_at has whole seconds, and the
 * API may take a moment to create the call. Too wide only risks taking an older call with the
 * same reference_id for this one; too narrow would place a call twice, the worse failure.
 */
const RECENT_MARGIN_MS = 120_000;
/** The API's timestamps are IST (spec); IST has no daylight saving, so a fixed offset is exact. */
const IST = FixedOffsetZone.instance(330);
const REFERENCE_ID_MAX = 120;

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

const isControl = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);

/** The API's own cleaning (spec: control characters stripped, 120 characters), so ids compare equal. */
export function cleanReferenceId(value: unknown): string | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value);
	let plain = text.length <= REFERENCE_ID_MAX;
	for (let i = 0; plain && i < text.length; i++) plain = !isControl(text.charCodeAt(i));
	if (plain) return text === '' ? undefined : text;
	// Code points, so a cap never splits an emoji.
	const kept = Array.from(text).filter((char) => !isControl(char.codePointAt(0) ?? 0));
	const cleaned = kept.slice(0, REFERENCE_ID_MAX).join('');
	return cleaned === '' ? undefined : cleaned;
}

/** A created_at as epoch ms, or undefined when absent or unreadable; one without an offset is IST. */
export function createdAtMs(value: unknown): number | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	const parsed = DateTime.fromISO(value, { zone: IST });
	return parsed.isValid ? parsed.toMillis() : undefined;
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
	let windowStartMs: number | undefined;
	for (let page = 1; page <= LOOKUP_MAX_PAGES; page++) {
		const qs: IDataObject = { per_page: LOOKUP_PER_PAGE, page };
		if (target.number) qs.number = target.number;
		const request: ApiRequest = { method: 'GET', path: '/calls', qs, itemIndex, timeoutMs: target.timeoutMs };
		const result = await exchange(ctx, session, request, budget);
		if (unknownOutcomeOf(result, true) || result.kind !== 'response') return 'retry';
		const { statusCode, body } = result.response;
		if (statusCode < 200 || statusCode >= 300 || body.status === 'error') return 'unknown';
		const data = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
		if (page === 1) {
			const created = data.map((call) => createdAtMs(call.created_at)).filter((ms): ms is number => ms !== undefined);
			const elapsedMs = Date.now() - target.startedAt;
			if (created.length > 0) windowStartMs = Math.max(...created) - elapsedMs - RECENT_MARGIN_MS;
		}
		for (const call of data) {
			const createdMs = createdAtMs(call.created_at);
			// Most recent first: everything from here on is older than any call this item placed.
			if (windowStartMs !== undefined && createdMs !== undefined && createdMs < windowStartMs) return undefined;
			if (
				typeof call.unique_id === 'string' &&
				cleanReferenceId(call.reference_id) === target.referenceId &&
				!session.placedIds.has(call.unique_id)
			) {
				return call as unknown as FoundCall;
			}
		}
		const pagination = body.pagination as { total_pages?: unknown } | undefined;
		const totalPages = typeof pagination?.total_pages === 'number' ? pagination.total_pages : page;
		if (page >= totalPages || data.length === 0) return undefined;
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
	const referenceId = cleanReferenceId(request.placement?.referenceId ?? request.body?.reference_id);
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
			throw placementOutcomeUnknown(node, `${last.summary}; lookup: ${reason}`, referenceId, itemIndex);
		}
		if (found === 'unknown') throw placementOutcomeUnknown(node, last.summary, referenceId, itemIndex);
		if (found) {
			session.placedIds.add(found.unique_id);
			return recovered(found);
		}
	}
	throw placementFailed(node, last?.summary ?? 'no definite answer', referenceId ?? '', PLACEMENT_ATTEMPTS, itemIndex);
}

import type { IDataObject } from 'n8n-workflow';

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
 * The lookup starts this long before the first attempt, to absorb clock drift between n8n and
 * the API: a call missed because of drift would be placed twice, the worse failure.
 */
const LOOKBACK_MS = 120_000;
const IST_OFFSET_MS = 330 * 60 * 1000;
const REFERENCE_ID_MAX = 120;

interface FoundCall {
	unique_id: string;
	reference_id: string | null;
}

interface Target {
	number: string;
	referenceId: string;
	sinceMs: number;
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

/** ISO 8601 in IST with an explicit offset, whole seconds (the API's own timestamp form). */
export function istTimestamp(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000 + IST_OFFSET_MS).toISOString().slice(0, 19) + '+05:30';
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

/** One pass over List calls; 'retry' when a page got no definite answer. */
async function searchOnce(
	ctx: ApiContext,
	session: Session,
	target: Target,
	budget: WaitBudget,
	itemIndex: number | undefined,
): Promise<FoundCall | undefined | 'retry' | 'unknown'> {
	for (let page = 1; page <= LOOKUP_MAX_PAGES; page++) {
		const qs: IDataObject = { from: istTimestamp(target.sinceMs), per_page: LOOKUP_PER_PAGE, page };
		if (target.number) qs.number = target.number;
		const result = await exchange(ctx, session, { method: 'GET', path: '/calls', qs, itemIndex }, budget);
		if (unknownOutcomeOf(result, true) || result.kind !== 'response') return 'retry';
		const { statusCode, body } = result.response;
		if (statusCode < 200 || statusCode >= 300 || body.status === 'error') return 'unknown';
		const data = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
		const match = data.find(
			(call) =>
				typeof call.unique_id === 'string' &&
				cleanReferenceId(call.reference_id) === target.referenceId &&
				!session.placedIds.has(call.unique_id),
		);
		if (match) return match as unknown as FoundCall;
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
	const sinceMs = Date.now() - LOOKBACK_MS;
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
			found = await findPlacedCall(ctx, session, { number, referenceId, sinceMs }, budget, itemIndex);
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

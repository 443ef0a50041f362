/**
 * The call log: the one reader of List calls for every "was this already placed?" lookback (a
 * lost response, Retry On Fail when memory cannot tell, Executions › Retry, a crashed execution's
 * retry, the re-run guard). One window rule, one clock rule, and each listed call handed to at
 * most one item of a node run.
 *
 * Window: a call placed between two host instants was created (API time) within them, widened by
 * WINDOW_MARGIN_MS on each side for whole-second created_at, the API's processing time and
 * clock drift during the run. Too wide only risks taking an older call with the same key; too
 * narrow would dial twice, the worse failure. A start the user chose (Options › Skip Numbers
 * Called Within) is kept exactly: `userFrom`.
 * Clocks: the window is asked in host time; the first page's Date header gives the API clock minus
 * the host clock, and beyond SKEW_TOLERANCE_MS the window is read again in the API's time.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	formatApiInstant,
	listedReferenceId,
	MAX_PER_PAGE,
	normaliseMobileNumber,
} from '../apiFacts';
import type { CallObject } from '../types';
import { apiStatusError } from './errors';
import { pages } from './pages';
import { sessionFor, WaitBudget } from './pacing';
import { readWithRetries } from './retries';
import type { ApiContext, ApiRequest, Envelope } from './types';

export const WINDOW_MARGIN_MS = 120_000;
const SKEW_TOLERANCE_MS = 30_000;
/** Instants the API can be asked about: 4-digit years only, whatever a window is made of. */
const clampInstant = (ms: number): number => Math.min(Math.max(ms, 0), Date.UTC(9999, 11, 31));

export interface CallLogQuery {
	/** Host instants the calls were placed between (before the margin). */
	fromMs: number;
	toMs: number;
	/** The start is the user's own bound: no margin before it. */
	userFrom?: boolean;
	/** Only calls to this number (any documented form). */
	number?: string;
	itemIndex?: number;
	timeoutMs?: number;
}

function dateHeaderMs(headers: Record<string, string | string[] | undefined>): number | undefined {
	const raw = headers.date ?? headers.Date;
	const text = Array.isArray(raw) ? raw[0] : raw;
	const ms = text ? Date.parse(text) : NaN;
	return Number.isFinite(ms) ? ms : undefined;
}

async function readWindow(
	ctx: ApiContext,
	query: CallLogQuery,
	shiftMs: number,
): Promise<{ calls: CallObject[]; skewMs: number }> {
	const session = await sessionFor(ctx);
	const calls: CallObject[] = [];
	let skewMs = 0;
	const qs: IDataObject = {
		from: formatApiInstant(
			clampInstant(query.fromMs - (query.userFrom ? 0 : WINDOW_MARGIN_MS) + shiftMs),
		),
		to: formatApiInstant(clampInstant(query.toMs + WINDOW_MARGIN_MS + shiftMs)),
		per_page: MAX_PER_PAGE,
	};
	if (query.number !== undefined) qs.number = query.number;
	const fetchPage = async (page: number): Promise<unknown> => {
		const request: ApiRequest = {
			method: 'GET',
			path: '/calls',
			qs: { ...qs, page },
			itemIndex: query.itemIndex,
			timeoutMs: query.timeoutMs,
		};
		const sentAt = Date.now();
		const response = await readWithRetries(ctx, session, request, new WaitBudget(300_000));
		const { statusCode, body } = response;
		if (statusCode < 200 || statusCode >= 300 || (body as Envelope)?.status === 'error')
			throw apiStatusError(ctx.getNode(), statusCode, body, query.itemIndex);
		const apiNow = dateHeaderMs(response.headers);
		if (page === 1 && apiNow !== undefined) skewMs = apiNow - (sentAt + Date.now()) / 2;
		return body;
	};
	for await (const { data } of pages<CallObject>(fetchPage)) calls.push(...data);
	return { calls, skewMs };
}

/** The calls created in a host-time window (margins added), read in the API's time if need be. */
export async function readCallLog(ctx: ApiContext, query: CallLogQuery): Promise<CallObject[]> {
	let listed = await readWindow(ctx, query, 0);
	if (Math.abs(listed.skewMs) > SKEW_TOLERANCE_MS)
		listed = await readWindow(ctx, query, listed.skewMs);
	return listed.calls;
}

/** A listed call's key: its cleaned reference_id and national number (undefined: unusable). */
export function callKey(call: CallObject): { referenceId: string; number: string } | undefined {
	const referenceId = listedReferenceId(call.reference_id);
	const number = normaliseMobileNumber(call.to_number);
	return referenceId === undefined || number === undefined ? undefined : { referenceId, number };
}

/**
 * Hands the oldest call with `key` to one item: never a call already handed to an item of this
 * node run (placed or recovered by it). Calls are listed most recent first.
 */
export async function claimCall(
	ctx: ApiContext,
	calls: CallObject[],
	matches: (call: CallObject) => boolean,
): Promise<CallObject | undefined> {
	const { claimed } = await sessionFor(ctx);
	for (let i = calls.length - 1; i >= 0; i--) {
		const call = calls[i];
		if (typeof call.unique_id !== 'string' || claimed.has(call.unique_id) || !matches(call))
			continue;
		claimed.add(call.unique_id);
		return call;
	}
	return undefined;
}

/** Marks a call as this run's (placed by an item), so that no lookup hands it to another. */
export async function claimPlaced(ctx: ApiContext, uniqueId: unknown): Promise<void> {
	if (typeof uniqueId === 'string') (await sessionFor(ctx)).claimed.add(uniqueId);
}

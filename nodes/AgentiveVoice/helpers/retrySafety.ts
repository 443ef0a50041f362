/**
 * Retry safety: every way n8n runs a write operation again must not dial a customer twice.
 *
 *   n8n runs the node again…               what tells us what was placed            placedBy
 *   Retry On Fail (same execution)         this process's memory of earlier tries    earlierTry
 *   Executions › Retry of a failed run     the chain in custom data + List calls     retriedExecution
 *   Executions › Retry of a crashed run    List calls since the crashed run began    crashedExecution
 *   the user runs the workflow again       List calls (Options › Skip Numbers…)      recentCall
 *
 * Each List-calls source is one windowed scan per node run (List calls has no reference_id
 * filter), shared by its items; each item then takes the call with its key, at most once. With
 * none of these, nothing is read: one request per call. Rules, windows and limits:
 * docs/assumptions.md, "Retried executions" and "Crashes and restarts".
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import {
	formatApiInstant,
	listedReferenceId,
	MAX_PER_PAGE,
	normaliseMobileNumber,
} from '../../shared/apiFacts';
import { apiRequest, apiRequestFull } from '../../shared/transport';
import type { Envelope } from '../../shared/transport/types';
import { placementNotRetried } from '../../shared/transport/errors';
import { pages } from '../../shared/transport/pages';
import type { CallObject } from '../../shared/types';
import { executionChainOf, nodeTag, parseGeneratedId } from './executionChain';
import {
	countReuse,
	ledgerOf,
	markAttempt,
	recordSentCode,
	runIndexOf,
	sentCodesOf,
	type RunLedger,
} from '../dialOnce/ledger';
import { REASONS, type ReuseReason } from '../dialOnce/reasons';

/** Slack on each side of a window: clocks of different hosts, whole-second created_at. */
export const WINDOW_MARGIN_MS = 120_000;
/** Host and API clocks further apart than this: the scan is read again in the API's time. */
const SKEW_TOLERANCE_MS = 30_000;

/** What a placement is recognised by. */
export interface PlacementKey {
	/** The item's reference_id as sent (cleaned); without one nothing can be recognised. */
	referenceId: string | undefined;
	/** The recipient, in any documented form. */
	number: string;
	/** Options › Skip Numbers Called Within (minutes); 0 or undefined: off. */
	skipCalledWithinMinutes?: number;
}

/** How a listed call is matched to an item, per source. */
type KeyOf = (referenceId: string, number: string) => string | undefined;

/** The calls one scan found, handed out once each. */
class PriorCalls {
	private readonly byKey = new Map<string, CallObject[]>();

	constructor(
		calls: Iterable<CallObject>,
		private readonly keyOf: KeyOf,
	) {
		const seen = new Set<string>();
		for (const call of calls) {
			const referenceId = listedReferenceId(call.reference_id);
			const number = normaliseMobileNumber(call.to_number);
			// A call can be listed twice while new calls shift the pages.
			if (referenceId === undefined || number === undefined || seen.has(call.unique_id)) continue;
			seen.add(call.unique_id);
			const key = keyOf(referenceId, number);
			// Most recent first; pop() hands out the oldest first, as items run in order.
			if (key !== undefined) this.byKey.set(key, [...(this.byKey.get(key) ?? []), call]);
		}
	}

	take(referenceId: string, number: string): CallObject | undefined {
		const key = this.keyOf(referenceId, number);
		return key === undefined ? undefined : this.byKey.get(key)?.pop();
	}
}

function dateHeaderMs(headers: Record<string, string | string[] | undefined>): number | undefined {
	const raw = headers.date ?? headers.Date;
	const text = Array.isArray(raw) ? raw[0] : raw;
	const ms = text ? Date.parse(text) : NaN;
	return Number.isFinite(ms) ? ms : undefined;
}

/** Reads List calls between two instants (API time); reports the API clock minus the host clock. */
async function listWindow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fromMs: number,
	toMs: number,
): Promise<{ calls: CallObject[]; skewMs: number }> {
	const calls: CallObject[] = [];
	let skewMs = 0;
	const fetchPage = async (page: number): Promise<unknown> => {
		const sentAt = Date.now();
		const response = await apiRequestFull(ctx, {
			method: 'GET',
			path: '/calls',
			qs: {
				from: formatApiInstant(fromMs),
				to: formatApiInstant(toMs),
				page,
				per_page: MAX_PER_PAGE,
			},
			itemIndex,
		});
		const apiNow = dateHeaderMs(response.headers);
		if (page === 1 && apiNow !== undefined) skewMs = apiNow - (sentAt + Date.now()) / 2;
		return response.body;
	};
	for await (const { data } of pages<CallObject>(fetchPage)) calls.push(...data);
	return { calls, skewMs };
}

/** The calls created in a host-time window, read in the API's time when the clocks differ. */
async function scanWindow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fromHostMs: number,
	toHostMs: number,
): Promise<CallObject[]> {
	let listed = await listWindow(ctx, itemIndex, fromHostMs, toHostMs);
	if (Math.abs(listed.skewMs) > SKEW_TOLERANCE_MS) {
		listed = await listWindow(ctx, itemIndex, fromHostMs + listed.skewMs, toHostMs + listed.skewMs);
	}
	return listed.calls;
}

/** One source of calls placed before: its window (host time), matching rule and reason. */
interface Source {
	reason: Exclude<ReuseReason, 'sentEarlierInExecution' | 'answeredEarlier'>;
	fromMs: number;
	toMs: number;
	keyOf: KeyOf;
}

const exactKey: KeyOf = (referenceId, number) => `${referenceId}\n${number}`;

/**
 * A generated id matches by node, run and item (the token is new in every execution); any other
 * id by itself. For a crashed execution, whose token n8n lost with its custom data.
 */
function sameItemKey(ctx: IExecuteFunctions): KeyOf {
	const node = nodeTag(ctx);
	return (referenceId, number) => {
		const generated = parseGeneratedId(referenceId);
		if (!generated) return exactKey(referenceId, number);
		if (generated.node !== node) return undefined;
		return `${node}-${generated.run}-${generated.item}\n${number}`;
	};
}

/** A generated id of this node matches any of its calls to the number; any other id by itself. */
function sameNodeKey(ctx: IExecuteFunctions): KeyOf {
	const node = nodeTag(ctx);
	return (referenceId, number) => {
		const generated = parseGeneratedId(referenceId);
		if (!generated) return exactKey(referenceId, number);
		return generated.node === node ? `${node}\n${number}` : undefined;
	};
}

/** The sources that apply to this item, in the order they are consulted. */
function sourcesFor(
	ctx: IExecuteFunctions,
	memory: RunLedger,
	itemIndex: number,
	key: PlacementKey,
): Source[] {
	const chain = executionChainOf(ctx);
	const now = Date.now();
	const sources: Source[] = [];
	const earlier = memory.items.get(itemIndex);
	const unsettled = earlier?.kind === 'unknown' || earlier?.kind === 'sending';
	if (unsettled && memory.firstAttemptMs !== undefined) {
		sources.push({
			reason: 'earlierTry',
			fromMs: memory.firstAttemptMs - WINDOW_MARGIN_MS,
			toMs: (memory.lastAttemptMs ?? now) + WINDOW_MARGIN_MS,
			keyOf: exactKey,
		});
	}
	if (chain.isRetry && chain.priorWindow) {
		sources.push({
			reason: 'retriedExecution',
			fromMs: chain.priorWindow.firstMs - WINDOW_MARGIN_MS,
			toMs: chain.priorWindow.lastMs + WINDOW_MARGIN_MS,
			keyOf: exactKey,
		});
	}
	const crashedSince = chain.crashRetry?.crashedSinceMs;
	if (crashedSince !== undefined) {
		sources.push({
			reason: 'crashedExecution',
			fromMs: crashedSince - WINDOW_MARGIN_MS,
			toMs: now + WINDOW_MARGIN_MS,
			keyOf: sameItemKey(ctx),
		});
	}
	const minutes = key.skipCalledWithinMinutes ?? 0;
	if (minutes > 0) {
		sources.push({
			reason: 'recentCall',
			// Never before 1970, whatever the value: the API's instants have 4-digit years.
			fromMs: Math.max(0, now - minutes * 60_000),
			toMs: now + WINDOW_MARGIN_MS,
			keyOf: sameNodeKey(ctx),
		});
	}
	return sources;
}

/** Scans in flight or done, per try of a node run (its context) and source. */
const scans = new WeakMap<object, Map<string, Promise<PriorCalls>>>();

async function priorCallsOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	source: Source,
): Promise<PriorCalls> {
	let byReason = scans.get(ctx);
	if (!byReason) {
		byReason = new Map();
		scans.set(ctx, byReason);
	}
	const cache = byReason;
	// The re-run guard takes each item's own Options value: one scan per window length.
	const id =
		source.reason === 'recentCall' ? `recentCall:${source.toMs - source.fromMs}` : source.reason;
	let pending = cache.get(id);
	if (!pending) {
		pending = scanWindow(ctx, itemIndex, source.fromMs, source.toMs).then(
			(calls) => new PriorCalls(calls, source.keyOf),
		);
		cache.set(id, pending);
		// A failed scan is not kept: the next item tries again (and this one reports the error).
		pending.catch(() => cache.delete(id));
	}
	return await pending;
}

/** Keys this file adds to an output; an earlier output reused again loses its old ones. */
const MARKERS = [...new Set(Object.values(REASONS).map((reason) => reason.marker)), 'placedBy'];

/** What an item outputs for a call placed before: the earlier answer's fields, marked. */
export function placedBefore(
	prior: Envelope,
	reason: ReuseReason,
	extra: Envelope | object = {},
): Envelope {
	const answer: Envelope = { ...prior };
	for (const marker of MARKERS) delete answer[marker];
	return {
		...answer,
		status: 'success',
		code: 200,
		unique_id: prior.unique_id ?? null,
		reference_id: prior.reference_id ?? null,
		details: REASONS[reason].details,
		...extra,
		[REASONS[reason].marker]: true,
		placedBy: reason,
	};
}

/** Decides whether an earlier placement is output instead of placing: undefined places anew. */
export type Reuse = (prior: Envelope, reason: ReuseReason) => Promise<Envelope | undefined>;

const reuseCall: Reuse = async (prior, reason) => placedBefore(prior, reason);

const listedAsEnvelope = (call: CallObject): Envelope => ({
	status: 'success',
	code: 200,
	unique_id: call.unique_id,
	reference_id: call.reference_id,
});

/** A 4xx answer refused the request: no call exists, so a later try may place it. */
const isRefusal = (error: unknown): boolean =>
	error instanceof NodeApiError && /^4\d\d$/.test(String(error.httpCode ?? ''));

/**
 * Places a call (or sends a code) once per item across tries, retries and re-runs (see the table
 * at the top): a call placed before is output instead, if `reuse` accepts it (a verification
 * request that can no longer be used is sent afresh); otherwise the attempt is recorded and
 * `place` runs.
 */
export async function placeOnce(
	ctx: IExecuteFunctions,
	itemIndex: number,
	key: PlacementKey,
	place: () => Promise<Envelope>,
	reuse: Reuse = reuseCall,
): Promise<Envelope> {
	const memory = ledgerOf(ctx);
	const earlier = memory.items.get(itemIndex);
	if (earlier?.kind === 'placed') {
		const reused = await reuse(earlier.response, 'earlierTry');
		if (reused) return counted(memory, reused, 'earlierTry', earlier.tryNumber);
	}
	const number = normaliseMobileNumber(key.number);
	if (key.referenceId !== undefined && number !== undefined) {
		for (const source of sourcesFor(ctx, memory, itemIndex, key)) {
			const call = (await priorCallsOf(ctx, itemIndex, source)).take(key.referenceId, number);
			const reused = call && (await reuse(listedAsEnvelope(call), source.reason));
			if (reused) return counted(memory, reused, source.reason);
		}
	} else if (earlier?.kind === 'unknown' || earlier?.kind === 'sending') {
		// An earlier try's call may exist, and without a reference_id nothing can tell.
		throw placementNotRetried(ctx.getNode(), 'an earlier try of this node', itemIndex);
	}

	const now = Date.now();
	markAttempt(memory, now);
	executionChainOf(ctx).markAttempt(now);
	memory.items.set(itemIndex, { kind: 'sending' });
	const response = await place().catch((error: unknown) => {
		memory.items.set(itemIndex, { kind: isRefusal(error) ? 'refused' : 'unknown' });
		// The transport's errors pass through as they are (the router adds the item index).
		return Promise.reject(error);
	});
	memory.items.set(itemIndex, { kind: 'placed', response, tryNumber: memory.tryNumber });
	return response;
}

function counted(
	memory: RunLedger,
	response: Envelope,
	reason: ReuseReason,
	byTry?: number,
): Envelope {
	countReuse(memory, reason, byTry);
	return response;
}

/** Verification statuses of a request that is in flight. */
const PENDING = ['pending'];
/** …and for the same item in a retry, also one already verified: its code was used for this item. */
const LIVE_FOR_SAME_ITEM = ['pending', 'verified'];

/**
 * Send Code's reuse rule (spec, "Idempotency and retries": reuse the existing request_id rather than
 * sending again if a code is already in flight): a request still pending (for the same item, also
 * one already verified) is output as it is; an expired or failed one is sent afresh.
 */
function reuseVerification(ctx: IExecuteFunctions, itemIndex: number): Reuse {
	return async (prior, reason) => {
		const id = prior.request_id ?? prior.unique_id;
		if (typeof id !== 'string' || id === '') return undefined;
		const status = await apiRequest<Envelope>(ctx, {
			method: 'GET',
			path: `/calls/${encodeURIComponent(id)}`,
			itemIndex,
		});
		const callStatus = typeof status.call_status === 'string' ? status.call_status : undefined;
		const live = reason === 'sentEarlierInExecution' ? PENDING : LIVE_FOR_SAME_ITEM;
		if (callStatus === undefined || !live.includes(callStatus)) return undefined;
		return placedBefore(prior, reason, { request_id: id, call_status: callStatus });
	};
}

/**
 * Sends a verification code once: per item across tries and retries (placeOnce), and per number
 * within an execution, so that an AI agent repeating its tool call, or two items with one number,
 * do not make one person hear two different codes.
 */
export async function sendCodeOnce(
	ctx: IExecuteFunctions,
	itemIndex: number,
	key: PlacementKey,
	send: () => Promise<Envelope>,
): Promise<Envelope> {
	const reuse = reuseVerification(ctx, itemIndex);
	const number = normaliseMobileNumber(key.number);
	const sent = sentCodesOf(ctx);
	const memory = ledgerOf(ctx);
	const earlierHere = number === undefined ? undefined : sent.get(number);
	// The same item's own earlier send is placeOnce's to judge (it also accepts a verified one).
	const ownItem =
		earlierHere?.run === `${runIndexOf(ctx, itemIndex)}:${itemIndex}` &&
		earlierHere.node === nodeTag(ctx);
	if (earlierHere && !ownItem) {
		const reused = await reuse(earlierHere.response, 'sentEarlierInExecution');
		if (reused) return counted(memory, reused, 'sentEarlierInExecution');
	}
	const response = await placeOnce(ctx, itemIndex, key, send, reuse);
	const requestId = response.request_id ?? response.unique_id;
	if (number !== undefined && typeof requestId === 'string' && !response.sentEarlierInExecution) {
		recordSentCode(ctx, number, {
			response,
			node: nodeTag(ctx),
			run: `${runIndexOf(ctx, itemIndex)}:${itemIndex}`,
		});
	}
	return response;
}

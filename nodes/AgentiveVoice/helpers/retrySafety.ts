/**
 * Retry safety: an n8n Retry of a failed execution re-runs the failed node with ALL its original
 * items, so without this every customer the original already dialled would be dialled again.
 *
 * In a Retry (see executionChain.ts), the first placement of a node run reads the calls created in
 * the chain's window from List calls, once (List calls has no reference_id filter; one windowed scan
 * serves every item), and each item takes the call that has its reference_id and number, if any:
 * that item outputs the existing call, marked `placedBeforeRetry`, and is not dialled. In any other
 * execution nothing is read and nothing changes: one request per call. Rule and limits:
 * docs/assumptions.md, "Retried executions".
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	formatApiInstant,
	listedReferenceId,
	MAX_PER_PAGE,
	normaliseMobileNumber,
} from '../../shared/apiFacts';
import { apiRequest, apiRequestFull, type Envelope } from '../../shared/transport';
import { pages } from '../../shared/transport/pages';
import type { CallObject } from '../../shared/types';
import { executionChainOf, type ExecutionChain } from './executionChain';

/** Slack on each side of the chain's window: clocks of different hosts, whole-second created_at. */
export const WINDOW_MARGIN_MS = 120_000;
/** Host and API clocks further apart than this: the scan is read again in the API's time. */
const SKEW_TOLERANCE_MS = 30_000;

/** The calls a chain placed before this retry, handed out once each. */
class PriorCalls {
	private readonly byKey = new Map<string, CallObject[]>();

	constructor(calls: Iterable<CallObject>) {
		const seen = new Set<string>();
		for (const call of calls) {
			const referenceId = listedReferenceId(call.reference_id);
			const number = normaliseMobileNumber(call.to_number);
			// A call can be listed twice while new calls shift the pages.
			if (referenceId === undefined || number === undefined || seen.has(call.unique_id)) continue;
			seen.add(call.unique_id);
			const key = `${referenceId}\n${number}`;
			// Most recent first; pop() hands out the oldest first, as items run in order.
			this.byKey.set(key, [...(this.byKey.get(key) ?? []), call]);
		}
	}

	take(referenceId: string, number: string): CallObject | undefined {
		return this.byKey.get(`${referenceId}\n${number}`)?.pop();
	}
}

/** Scans in flight or done, per node run. */
const scans = new WeakMap<object, Promise<PriorCalls>>();

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

async function scan(
	ctx: IExecuteFunctions,
	chain: ExecutionChain,
	itemIndex: number,
): Promise<PriorCalls> {
	const window = chain.priorWindow;
	if (!window) return new PriorCalls([]);
	const bounds = (skewMs: number): [number, number] => [
		window.firstMs + skewMs - WINDOW_MARGIN_MS,
		window.lastMs + skewMs + WINDOW_MARGIN_MS,
	];
	let listed = await listWindow(ctx, itemIndex, ...bounds(0));
	if (Math.abs(listed.skewMs) > SKEW_TOLERANCE_MS) {
		listed = await listWindow(ctx, itemIndex, ...bounds(listed.skewMs));
	}
	return new PriorCalls(listed.calls);
}

/** The calls the chain placed before this retry (one scan per node run, shared by its items). */
async function priorCallsOf(
	ctx: IExecuteFunctions,
	chain: ExecutionChain,
	itemIndex: number,
): Promise<PriorCalls> {
	let pending = scans.get(ctx);
	if (!pending) {
		pending = scan(ctx, chain, itemIndex);
		scans.set(ctx, pending);
		// A failed scan is not kept: the next item tries again (and this one reports the error).
		pending.catch(() => scans.delete(ctx));
	}
	return await pending;
}

/** What the item outputs for a call placed before the retry, in the shape of a placement answer. */
function placedBefore(call: CallObject, details: string, extra: IDataObject = {}): Envelope {
	return {
		status: 'success',
		code: 200,
		unique_id: call.unique_id,
		reference_id: call.reference_id,
		details,
		...extra,
		placedBeforeRetry: true,
	};
}

export interface PlacementKey {
	/** The item's reference_id as sent (cleaned); without one nothing can be recognised. */
	referenceId: string | undefined;
	/** The recipient, in any documented form. */
	number: string;
}

/**
 * Places a call (or sends a code) once per item across an execution and its Retries: in a Retry,
 * a call the chain already placed for this item is returned instead (`reuse` may refuse it, for a
 * verification request that can no longer be used); otherwise the attempt is marked in the chain
 * and `place` runs.
 */
export async function placeOnce(
	ctx: IExecuteFunctions,
	itemIndex: number,
	key: PlacementKey,
	place: () => Promise<Envelope>,
	reuse: (call: CallObject) => Promise<Envelope | undefined> = async (call) =>
		placedBefore(call, 'Placed before this retry; not dialled again.'),
): Promise<Envelope> {
	const chain = executionChainOf(ctx);
	const number = normaliseMobileNumber(key.number);
	if (chain.isRetry && key.referenceId !== undefined && number !== undefined) {
		const prior = await priorCallsOf(ctx, chain, itemIndex);
		const call = prior.take(key.referenceId, number);
		const reused = call && (await reuse(call));
		if (reused) return reused;
	}
	chain.markAttempt(Date.now());
	return await place();
}

/** Verification statuses whose code can still be used: not sent again in a Retry. */
const LIVE_VERIFICATION = ['pending', 'verified'];

/**
 * Send Code's reuse rule (spec, "Idempotency and retries": reuse the existing request_id rather than
 * sending again if a code is already in flight): a request still pending, or already verified, is
 * output as it is; an expired or failed one is sent afresh.
 */
export async function reusePendingVerification(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: CallObject,
): Promise<Envelope | undefined> {
	const status = await apiRequest<Envelope>(ctx, {
		method: 'GET',
		path: `/calls/${call.unique_id}`,
		itemIndex,
	});
	const callStatus = typeof status.call_status === 'string' ? status.call_status : undefined;
	if (callStatus === undefined || !LIVE_VERIFICATION.includes(callStatus)) return undefined;
	return placedBefore(call, 'A code sent before this retry is still in flight; not sent again.', {
		request_id: call.unique_id,
		call_status: callStatus,
	});
}

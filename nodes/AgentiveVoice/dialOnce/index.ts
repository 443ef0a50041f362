/**
 * Dial once: the one owner of "was this item already placed, and by whom". Every way n8n runs a
 * write operation again (Retry On Fail, Executions › Retry, a crashed execution's retry, the user
 * running it again with the re-run guard) must not dial a customer twice. ledger.ts keeps item
 * states, lineage.ts what custom data carries to a retry, decide.ts decides (pure), reasons.ts says
 * why; the call log is nodes/shared/transport/callLog.ts. The map and who reads what: docs/dial-once.md.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { normaliseMobileNumber } from '../../shared/apiFacts';
import { apiRequest } from '../../shared/transport';
import { callKey, claimCall, claimPlaced, readCallLog } from '../../shared/transport/callLog';
import { placementNotRetried } from '../../shared/transport/errors';
import type { Envelope } from '../../shared/transport/types';
import type { CallObject } from '../../shared/types';
import { decide, lookbacksFor, type Found, type Lookback, type Origin } from './decide';
import {
	countReuse,
	forgetRun,
	ledgerOf,
	markAttempt,
	recordSentCode,
	runIndexOf,
	sentCodesOf,
	type RunLedger,
} from './ledger';
import { executionChainOf, nodeTag, parseGeneratedId } from './lineage';
import { addReuseHint, REASONS, type ReuseReason } from './reasons';

/** What a placement is recognised by. */
export interface PlacementKey {
	/** The item's reference_id as sent (cleaned); without one nothing can be recognised. */
	referenceId: string | undefined;
	/** The recipient, in any documented form. */
	number: string;
	/** Options › Skip Numbers Called Within (minutes), this item's value; 0 or undefined: off. */
	skipCalledWithinMinutes?: number;
}

/** Windows read in this try, shared by its items: one List-calls scan per window. */
const scans = new WeakMap<object, Map<string, Promise<CallObject[]>>>();

async function callsIn(ctx: IExecuteFunctions, itemIndex: number, lookback: Lookback) {
	let byWindow = scans.get(ctx);
	if (!byWindow) {
		scans.set(ctx, (byWindow = new Map()));
		// Calls earlier tries placed are theirs: never handed to another item of this run.
		for (const state of ledgerOf(ctx).items.values())
			if (state.kind === 'placed') await claimPlaced(ctx, state.response.unique_id);
	}
	const cache = byWindow;
	// Items share a scan per reason; the re-run guard one per window length (each item's own value).
	const id =
		lookback.reason === 'recentCall'
			? `recentCall:${lookback.toMs - lookback.fromMs}`
			: lookback.reason;
	let pending = cache.get(id);
	if (!pending) {
		const { fromMs, toMs } = lookback;
		pending = readCallLog(ctx, {
			fromMs,
			toMs,
			userFrom: lookback.reason === 'recentCall',
			itemIndex,
		});
		cache.set(id, pending);
		// A failed scan is not kept: the next item tries again (and this one reports the error).
		pending.catch(() => cache.delete(id));
	}
	return await pending;
}

/** Whether a listed call is this item's, by the lookback's matching rule (decide.ts). */
function matcher(ctx: IExecuteFunctions, lookback: Lookback, referenceId: string, number: string) {
	const node = nodeTag(ctx);
	const mine = parseGeneratedId(referenceId);
	return (call: CallObject): boolean => {
		const key = callKey(call);
		if (!key || key.number !== number) return false;
		const listed = lookback.match === 'exact' ? undefined : parseGeneratedId(key.referenceId);
		if (!listed || !mine) return key.referenceId === referenceId;
		if (listed.node !== node) return false;
		return lookback.match === 'sameNode' || (listed.run === mine.run && listed.item === mine.item);
	};
}

function originOf(ctx: IExecuteFunctions, ledger: RunLedger, key: PlacementKey): Origin {
	const chain = executionChainOf(ctx);
	const { firstAttemptMs: firstMs, lastAttemptMs: lastMs } = ledger;
	return {
		nowMs: Date.now(),
		run: firstMs === undefined ? undefined : { firstMs, lastMs: lastMs ?? firstMs },
		retried: chain.isRetry ? chain.priorWindow : undefined,
		crashedSinceMs: chain.crashRetry?.crashedSinceMs,
		skipMinutes: key.skipCalledWithinMinutes ?? 0,
	};
}

/** What an item outputs for a call placed before: the earlier answer's fields, marked. */
export function placedBefore(prior: Envelope, reason: ReuseReason, extra: object = {}): Envelope {
	const answer: Envelope = { ...prior };
	for (const { marker } of Object.values(REASONS)) delete answer[marker];
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

/** Whether an earlier placement is output instead of placing: undefined places anew. */
export type Reuse = (prior: Envelope, reason: ReuseReason) => Promise<Envelope | undefined>;

const reuseCall: Reuse = async (prior, reason) => placedBefore(prior, reason);

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
	const ledger = ledgerOf(ctx);
	const state = ledger.items.get(itemIndex);
	const number = normaliseMobileNumber(key.number);
	const referenceId = number === undefined ? undefined : key.referenceId;
	const found: Found[] = [];
	if (state?.kind === 'placed') {
		const output = await reuse(state.response, 'earlierTry');
		if (output) found.push({ reason: 'earlierTry', prior: output, byTry: state.tryNumber });
	}
	const lookbacks =
		found.length > 0
			? []
			: lookbacksFor(state, referenceId !== undefined, originOf(ctx, ledger, key));
	for (const lookback of lookbacks) {
		const matches = matcher(ctx, lookback, referenceId ?? '', number ?? '');
		const call = await claimCall(ctx, await callsIn(ctx, itemIndex, lookback), matches);
		const output = call && (await reuse(listed(call), lookback.reason));
		if (output) {
			found.push({ reason: lookback.reason, prior: output });
			break;
		}
	}
	const decision = decide(state, found, referenceId !== undefined);
	if (decision.action === 'reuse') {
		countReuse(ledger, decision.reason, decision.byTry);
		return decision.prior;
	}
	if (decision.action === 'fail') {
		// An earlier try's call may exist, and without a reference_id nothing can tell.
		throw placementNotRetried(ctx.getNode(), 'an earlier try of this node', itemIndex);
	}
	const now = Date.now();
	markAttempt(ledger, now);
	executionChainOf(ctx).markAttempt(now);
	ledger.items.set(itemIndex, { kind: 'sending' });
	const response = await place().catch((error: unknown) => {
		ledgerOf(ctx).items.set(itemIndex, { kind: isRefusal(error) ? 'refused' : 'unknown' });
		// The transport's errors pass through as they are (the router adds the item index).
		return Promise.reject(error);
	});
	ledgerOf(ctx).items.set(itemIndex, { kind: 'placed', response, tryNumber: ledger.tryNumber });
	await claimPlaced(ctx, response.unique_id);
	return response;
}

const listed = (call: CallObject): Envelope => ({
	status: 'success',
	code: 200,
	unique_id: call.unique_id,
	reference_id: call.reference_id,
});

/**
 * Send Code's reuse rule (spec, "Idempotency and retries": reuse the existing request_id rather than
 * sending again if a code is already in flight): a request still pending (for the same item, also
 * one already verified: its code was used for this item) is output; an expired or failed one is
 * sent afresh.
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
		const live = reason === 'sentEarlierInExecution' ? ['pending'] : ['pending', 'verified'];
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
	const earlier = number === undefined ? undefined : sentCodesOf(ctx).get(number);
	const run = `${runIndexOf(ctx, itemIndex)}:${itemIndex}`;
	// The same item's own earlier send is placeOnce's to judge (it also accepts a verified one).
	if (earlier && !(earlier.run === run && earlier.node === nodeTag(ctx))) {
		const output = await reuse(earlier.response, 'sentEarlierInExecution');
		if (output) {
			countReuse(ledgerOf(ctx), 'sentEarlierInExecution');
			return output;
		}
	}
	const response = await placeOnce(ctx, itemIndex, key, send, reuse);
	if (number !== undefined && !response.sentEarlierInExecution) {
		recordSentCode(ctx, number, { response, node: nodeTag(ctx), run });
	}
	return response;
}

/** The router's last word on a try that returned: the hint, and its run's entry goes. */
export function endTry(ctx: IExecuteFunctions): void {
	addReuseHint(ctx);
	forgetRun(ctx);
}

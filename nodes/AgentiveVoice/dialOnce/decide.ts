/**
 * The decision, pure: from an item's state in the ledger, where this node run comes from, and the
 * calls the lookbacks found, whether to send, reuse an earlier placement (with its reason) or fail.
 * No HTTP here: callers read the call log for the windows `lookbacksFor` names.
 */
import type { Envelope } from '../../shared/transport/types';
import type { ItemState } from './ledger';
import type { ReuseReason } from './reasons';

/** Where this node run comes from: what may already have placed its items. */
export interface Origin {
	nowMs: number;
	/** Host times of this run's own earlier attempts (any try), for Retry On Fail. */
	run?: { firstMs: number; lastMs: number };
	/** Executions › Retry: the window in which the executions it continues placed calls. */
	retried?: { firstMs: number; lastMs: number };
	/** Executions › Retry of a crashed execution (its custom data lost): since when it ran. */
	crashedSinceMs?: number;
	/** Options › Skip Numbers Called Within (minutes), this item's value; 0: off. */
	skipMinutes: number;
}

export type LookbackReason = Exclude<ReuseReason, 'sentEarlierInExecution' | 'answeredEarlier'>;

/**
 * A window of the call log to read, and how a listed call matches the item: `exact` by its
 * reference_id; `sameItem` by a generated id's node, run and item (a crashed run's token is lost);
 * `sameNode` by a generated id's node (the re-run guard: any earlier run of this node).
 */
export interface Lookback {
	reason: LookbackReason;
	fromMs: number;
	toMs: number;
	match: 'exact' | 'sameItem' | 'sameNode';
}

const unsettled = (state: ItemState | undefined): boolean =>
	state?.kind === 'unknown' || state?.kind === 'sending';

/** The windows to read for an item, in the order their findings count. None: one request per call. */
export function lookbacksFor(
	state: ItemState | undefined,
	hasReferenceId: boolean,
	origin: Origin,
): Lookback[] {
	if (!hasReferenceId || state?.kind === 'placed') return [];
	const lookbacks: Lookback[] = [];
	if (unsettled(state) && origin.run) {
		lookbacks.push({ reason: 'earlierTry', ...bounds(origin.run), match: 'exact' });
	}
	if (origin.retried) {
		lookbacks.push({ reason: 'retriedExecution', ...bounds(origin.retried), match: 'exact' });
	}
	if (origin.crashedSinceMs !== undefined) {
		const since = { firstMs: origin.crashedSinceMs, lastMs: origin.nowMs };
		lookbacks.push({ reason: 'crashedExecution', ...bounds(since), match: 'sameItem' });
	}
	if (origin.skipMinutes > 0) {
		const firstMs = Math.max(0, origin.nowMs - origin.skipMinutes * 60_000);
		const recent = bounds({ firstMs, lastMs: origin.nowMs });
		lookbacks.push({ reason: 'recentCall', ...recent, match: 'sameNode' });
	}
	return lookbacks;
}

const bounds = (window: { firstMs: number; lastMs: number }) => ({
	fromMs: window.firstMs,
	toMs: window.lastMs,
});

/** An earlier placement the caller found and accepted, with the reason it was found for. */
export interface Found {
	reason: ReuseReason;
	prior: Envelope;
	/** For `earlierTry`: the try that placed it. */
	byTry?: number;
}

export type Decision =
	| { action: 'send' }
	| ({ action: 'reuse' } & Found)
	/** A call may exist (an earlier try got no definite answer) and nothing can tell. */
	| { action: 'fail' };

/**
 * The ledger's own record comes first (an earlier try placed it), then what the lookbacks found,
 * in their order. An item an earlier try left unsettled, with no key to look it up, is never sent
 * again. Anything else is sent.
 */
export function decide(
	state: ItemState | undefined,
	found: Found[],
	hasReferenceId: boolean,
): Decision {
	const first = found[0];
	if (first) return { action: 'reuse', ...first };
	if (unsettled(state) && !hasReferenceId) return { action: 'fail' };
	return { action: 'send' };
}

/**
 * The placement ledger: what this n8n process knows of a node run's placements, the only
 * in-process store of "was this item already sent". Retry On Fail re-runs `execute` inside the same
 * execution and process, with a new context, the same items and the same run index (n8n-core
 * workflow-execute.ts), so the ledger is keyed by execution, node and run index. An n8n Retry is a
 * new execution, often in another process: that path reads the API's own record (callLog.ts).
 *
 * Lifetime (never by count): every use of an entry touches it, and an entry ends KEEP_MS after its
 * last touch. A try holds its entry, and every write re-registers it, so even an item that waits
 * longer than KEEP_MS (rate limit, timeouts) cannot lose its run's record. A try that returns ends
 * its run (n8n retries only a node that threw): its entry goes at once (endTry). One that threw is
 * tried again after at most 5 s (n8n-core: Math.min(5000, waitBetweenTries)), so 10 minutes leaves
 * two orders of magnitude of slack. A code Send Code sent is kept until it expires (its own
 * `expires_in_sec`), at least KEEP_MS. Read-only node runs never create an entry. Memory is thus
 * bounded by the write runs of the last minutes, whatever the number of node runs.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Envelope } from '../../shared/transport/types';
import type { ReuseReason } from './reasons';

/** How long after its last touch a released entry is kept (see above). */
export const KEEP_MS = 10 * 60_000;

/** The host clock; tests replace it to run hours of node runs in a second. */
export const clock = { now: (): number => Date.now() };

/**
 * An item's state in its node run: absent (not yet sent) → sending → placed | refused (the API
 * answered 4xx: no call exists) | unknown (sent, and no definite answer: a call may exist).
 */
export type ItemState =
	| { kind: 'sending' }
	| { kind: 'placed'; response: Envelope; tryNumber: number }
	| { kind: 'refused' }
	| { kind: 'unknown' };

export interface RunLedger {
	readonly items: Map<number, ItemState>;
	/** Verify Code answers by item index. */
	readonly answers: Map<number, IDataObject>;
	/** Host times of the first and latest placement attempts of any try (epoch ms). */
	firstAttemptMs?: number;
	lastAttemptMs?: number;
	/** 1 for the first try of the run, 2 for the first Retry On Fail, and so on. */
	tryNumber: number;
	/** This try's reuse counts, for the hint, and how many each earlier try had placed. */
	readonly reused: Map<ReuseReason, number>;
	readonly reusedByTry: Map<number, number>;
}

/** A verification request this execution sent, by normalised number. */
export interface SentCode {
	response: Envelope;
	/** The node tag and `run:item` that sent it: that item's own later tries are its run's. */
	node: string;
	run: string;
}

interface Entry<V> {
	value: V;
	/** Kept at least until then (epoch ms, host clock). */
	untilMs: number;
}

/** Entries that end by age, swept in amortised constant time per access. */
class AgeStore<V> extends Map<string, Entry<V>> {
	private sweptAt = 0;
	private sweptSize = 0;

	getOrCreate(key: string, create: () => V): Entry<V> {
		return this.touch(key, this.get(key) ?? { value: create(), untilMs: 0 });
	}

	/** Keeps an entry KEEP_MS more, registering it again if a sweep dropped it meanwhile. */
	touch(key: string, entry: Entry<V>): Entry<V> {
		entry.untilMs = Math.max(entry.untilMs, clock.now() + KEEP_MS);
		this.set(key, entry);
		return entry;
	}

	/** A full pass once the store doubled or a minute went by since the last one. */
	sweep(now: number): void {
		if (this.size < 2 * this.sweptSize + 16 && now - this.sweptAt < 60_000) return;
		for (const [key, entry] of this) if (entry.untilMs < now) this.delete(key);
		this.sweptAt = now;
		this.sweptSize = this.size;
	}
}

const runs = new AgeStore<RunLedger>();
const codes = new AgeStore<Map<string, SentCode>>();

/** Every write to the ledger sweeps both stores (amortised: see AgeStore.sweep). */
function sweep(): void {
	const now = clock.now();
	runs.sweep(now);
	codes.sweep(now);
}

/** Entries held now (for the memory-bound test). */
export const ledgerSize = (): number => runs.size + codes.size;

function executionIdOf(ctx: IExecuteFunctions): string | undefined {
	try {
		const id = ctx.getExecutionId?.();
		return id === undefined || id === null || id === '' ? undefined : String(id);
	} catch {
		return undefined;
	}
}

export function runIndexOf(ctx: IExecuteFunctions, itemIndex = 0): number {
	try {
		const value = ctx.getWorkflowDataProxy(itemIndex).$runIndex;
		return typeof value === 'number' && Number.isSafeInteger(value) ? value : 0;
	} catch {
		return 0;
	}
}

/** The entry each try (context) holds, with its key. */
const openTries = new WeakMap<object, { key?: string; entry: Entry<RunLedger> }>();

const newLedger = (): RunLedger => ({
	items: new Map(),
	answers: new Map(),
	tryNumber: 0,
	reused: new Map(),
	reusedByTry: new Map(),
});

/**
 * The ledger of this node run, shared by every try of it, touched at each use; created on first
 * use (so read-only runs add nothing), and counting a new try on a new context. Runs without an
 * execution id (none in n8n itself) get a ledger of their own, never shared.
 */
export function ledgerOf(ctx: IExecuteFunctions): RunLedger {
	const open = openTries.get(ctx);
	if (open) {
		if (open.key !== undefined) runs.touch(open.key, open.entry);
		return open.entry.value;
	}
	sweep();
	const executionId = executionIdOf(ctx);
	const node = ctx.getNode();
	const key =
		executionId === undefined
			? undefined
			: `${executionId}\n${node.id ?? node.name}\n${runIndexOf(ctx)}`;
	const entry =
		key === undefined ? { value: newLedger(), untilMs: 0 } : runs.getOrCreate(key, newLedger);
	entry.value.tryNumber += 1;
	entry.value.reused.clear();
	entry.value.reusedByTry.clear();
	openTries.set(ctx, { key, entry });
	return entry.value;
}

/** This try's ledger if it used one (the hint reads it), without creating one. */
export function openLedgerOf(ctx: IExecuteFunctions): RunLedger | undefined {
	return openTries.get(ctx)?.entry.value;
}

/** A try returned: Retry On Fail never comes back to its run, so the run's entry goes. */
export function forgetRun(ctx: IExecuteFunctions): void {
	const key = openTries.get(ctx)?.key;
	if (key !== undefined) runs.delete(key);
}

/** The verification requests this execution sent, by normalised number (none without an id). */
export function sentCodesOf(ctx: IExecuteFunctions): Map<string, SentCode> {
	const executionId = executionIdOf(ctx);
	return (executionId === undefined ? undefined : codes.get(executionId)?.value) ?? new Map();
}

/** Records a code sent; the execution's entry is kept at least until the code expires. */
export function recordSentCode(ctx: IExecuteFunctions, number: string, code: SentCode): void {
	const executionId = executionIdOf(ctx);
	if (executionId === undefined) return;
	sweep();
	const entry = codes.getOrCreate(executionId, () => new Map());
	entry.value.set(number, code);
	const seconds = Number(code.response.expires_in_sec);
	if (Number.isFinite(seconds) && seconds > 0) {
		entry.untilMs = Math.max(entry.untilMs, clock.now() + Math.min(seconds, 86_400) * 1000);
	}
}

export function countReuse(ledger: RunLedger, reason: ReuseReason, byTry?: number): void {
	ledger.reused.set(reason, (ledger.reused.get(reason) ?? 0) + 1);
	if (byTry !== undefined) ledger.reusedByTry.set(byTry, (ledger.reusedByTry.get(byTry) ?? 0) + 1);
}

export function markAttempt(ledger: RunLedger, nowMs: number): void {
	ledger.firstAttemptMs ??= nowMs;
	ledger.lastAttemptMs = Math.max(ledger.lastAttemptMs ?? nowMs, nowMs);
}

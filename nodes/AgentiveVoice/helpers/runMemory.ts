/**
 * What this n8n process remembers of a node run while its execution lasts: which items earlier
 * tries placed (n8n's Retry On Fail), which codes the execution already sent (Send Code twice for
 * one number), and what the run reused, for the execution hint.
 *
 * Why memory and not custom data: Retry On Fail re-runs `execute` inside the same execution, in
 * the same process, with a new context each try, the same input items and the same run index
 * (n8n-core workflow-execute.ts: the runNode loop). Custom data would carry it too, but n8n keeps
 * only 10 keys of 512 characters, far too little for a blast's outcomes. An n8n Retry is a new
 * execution, often in another process: that path is retrySafety.ts's, from the API's own record.
 *
 * Entries are keyed by execution id, node and run index, and the oldest are dropped past a bound,
 * so memory stays flat however many executions the process runs.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Envelope } from '../../shared/transport';

/** Node runs and executions kept at once; the oldest entry goes first. */
const MAX_ENTRIES = 200;

/** What an earlier try did with an item. */
export type ItemOutcome =
	| { kind: 'placed'; response: Envelope; tryNumber: number }
	/** Sent, and then failed: `refused` when the API answered 4xx, so no call can exist. */
	| { kind: 'failed'; refused: boolean };

/** Why an item was not dialled (the value of `placedBy` in its output, and a line of the hint). */
export type ReuseReason =
	| 'earlierTry'
	| 'retriedExecution'
	| 'crashedExecution'
	| 'sentEarlierInExecution'
	| 'recentCall'
	| 'answeredEarlier';

export interface NodeRunMemory {
	/** Outcomes of placements by item index, from every try so far. */
	readonly items: Map<number, ItemOutcome>;
	/** Verify Code answers by item index. */
	readonly answers: Map<number, IDataObject>;
	/** Host times of the first and latest placement attempts of any try (epoch ms). */
	firstAttemptMs?: number;
	lastAttemptMs?: number;
	/** 1 for the first try of the run, 2 for the first Retry On Fail, and so on. */
	tryNumber: number;
	/** This try's reuse counts, for the hint (reset at each try). */
	readonly reused: Map<ReuseReason, number>;
	/** Of those by an earlier try: how many each earlier try had placed. */
	readonly reusedByTry: Map<number, number>;
	/** The contexts of the tries seen so far: a new one is a new try. */
	readonly tries: WeakSet<object>;
}

/** A verification request this execution sent, by normalised number. */
export interface SentCode {
	requestId: string;
	response: Envelope;
	/** The node tag and `run:item` that sent it: that item's own later tries are placeOnce's. */
	node: string;
	run: string;
}

class Bounded<V> {
	private readonly map = new Map<string, V>();

	getOrCreate(key: string, create: () => V): V {
		const known = this.map.get(key);
		if (known !== undefined) return known;
		const value = create();
		this.map.set(key, value);
		if (this.map.size > MAX_ENTRIES) this.map.delete(this.map.keys().next().value as string);
		return value;
	}
}

const runs = new Bounded<NodeRunMemory>();
const codes = new Bounded<Map<string, SentCode>>();

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

/** Runs without an execution id (none in n8n itself) get a memory of their own, never shared. */
const unshared = new WeakMap<object, NodeRunMemory>();

function newRun(): NodeRunMemory {
	return {
		items: new Map(),
		answers: new Map(),
		tryNumber: 0,
		reused: new Map(),
		reusedByTry: new Map(),
		tries: new WeakSet(),
	};
}

function unsharedRun(ctx: IExecuteFunctions): NodeRunMemory {
	const known = unshared.get(ctx);
	if (known) return known;
	const memory = newRun();
	unshared.set(ctx, memory);
	return memory;
}

/** The memory of this node run, shared by every try of it; counts a new try on a new context. */
export function nodeRunMemory(ctx: IExecuteFunctions): NodeRunMemory {
	const executionId = executionIdOf(ctx);
	const node = ctx.getNode();
	const memory =
		executionId === undefined
			? unsharedRun(ctx)
			: runs.getOrCreate(`${executionId}\n${node.id ?? node.name}\n${runIndexOf(ctx)}`, newRun);
	if (!memory.tries.has(ctx)) {
		memory.tries.add(ctx);
		memory.tryNumber += 1;
		memory.reused.clear();
		memory.reusedByTry.clear();
	}
	return memory;
}

/** The verification requests this execution sent, by normalised number (empty without an id). */
export function sentCodesOf(ctx: IExecuteFunctions): Map<string, SentCode> {
	const executionId = executionIdOf(ctx);
	return executionId === undefined ? new Map() : codes.getOrCreate(executionId, () => new Map());
}

export function countReuse(memory: NodeRunMemory, reason: ReuseReason, byTry?: number): void {
	memory.reused.set(reason, (memory.reused.get(reason) ?? 0) + 1);
	if (byTry !== undefined) memory.reusedByTry.set(byTry, (memory.reusedByTry.get(byTry) ?? 0) + 1);
}

export function markAttempt(memory: NodeRunMemory, nowMs: number): void {
	memory.firstAttemptMs ??= nowMs;
	memory.lastAttemptMs = Math.max(memory.lastAttemptMs ?? nowMs, nowMs);
}

/**
 * Lineage: what one execution hands to every n8n Retry of it. Executions › Retry starts a NEW
 * execution (mode 'retry') from the failed one's saved data: the failed node re-runs with all of its
 * original items under the same run index, and custom data (saved with the execution) comes along.
 * A new execution of the workflow starts with none. So one custom-data key carries the chain: a
 * random token (generated reference ids derive from it, so a retry sends exactly the original's
 * ids), the id of the execution that began it, and the host times of its placement attempts (the
 * window a retry reads in the call log). A second key records Verify Code's answers.
 * The rule: docs/assumptions.md, "Retried executions"; the map: docs/dial-once.md.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { randomString } from 'n8n-workflow';

import { runIndexOf } from './ledger';

/** Custom-data keys: letters only (n8n allows letters, digits and underscores, 50 at most). */
export const CHAIN_KEY = 'agentiveVoiceRun';
export const VERIFY_KEY = 'agentiveVoiceVerify';
/** n8n keeps at most 512 characters per custom-data value; each verify entry takes about 14. */
const MAX_VERIFY_ENTRIES = 24;

interface StoredChain {
	v: 1;
	/** Random token; id of the execution that began the chain; of the one that wrote this last. */
	t: string;
	x: string;
	e: string;
	/** Host times (epoch ms) of the chain's first and latest placement attempts. */
	f?: number;
	l?: number;
	/** The chain's placement window [first, latest] before execution `e` began, for its later nodes. */
	p?: [number, number];
	/** 1: the chain began in an n8n Retry that inherited none (its original crashed, see below). */
	c?: 1;
}

export interface ExecutionChain {
	readonly token: string;
	/** This execution is an n8n Retry carrying the chain of an earlier execution. */
	readonly isRetry: boolean;
	/** Host times of the chain's first and latest placement attempts before this retry. */
	readonly priorWindow?: { firstMs: number; lastMs: number };
	/**
	 * This execution is an n8n Retry of one whose custom data n8n lost: a crashed one (custom data is
	 * saved only when an execution finishes). `crashedSinceMs`: the earliest node start time in the
	 * data the retry continues from, when there is one.
	 */
	readonly crashRetry?: { crashedSinceMs?: number };
	/** Marks a placement attempt (host clock) before its request is sent. */
	markAttempt(nowMs: number): void;
}

interface CustomData {
	get(key: string): unknown;
	set(key: string, value: string): void;
}

/** `fn()`, or undefined where the context cannot answer (no run data, an older n8n). */
function tryRead<T>(fn: () => T): T | undefined {
	try {
		return fn();
	} catch {
		return undefined;
	}
}

const isCustomData = (value: unknown): value is CustomData =>
	typeof (value as CustomData)?.get === 'function' &&
	typeof (value as CustomData)?.set === 'function';

/** `this.customData` (n8n 2.16 and later), or the same store as `$execution.customData` (all). */
function customDataOf(ctx: IExecuteFunctions): CustomData | undefined {
	const direct = tryRead(() => (ctx as { customData?: unknown }).customData);
	if (isCustomData(direct)) return direct;
	const proxied = tryRead(
		() => (ctx.getWorkflowDataProxy(0).$execution as IDataObject | undefined)?.customData,
	);
	return isCustomData(proxied) ? proxied : undefined;
}

const finite = (value: unknown): number | undefined =>
	typeof value === 'number' && Number.isFinite(value) ? value : undefined;

function parseChain(value: unknown): StoredChain | undefined {
	const raw = tryRead(() => JSON.parse(String(value)) as Record<string, unknown>);
	if (raw?.v !== 1 || typeof raw.t !== 'string' || typeof raw.x !== 'string') return undefined;
	const [first, last] = Array.isArray(raw.p) ? raw.p.map(finite) : [];
	return {
		v: 1,
		t: raw.t,
		x: raw.x,
		e: typeof raw.e === 'string' ? raw.e : raw.x,
		f: finite(raw.f),
		l: finite(raw.l),
		p: first !== undefined && last !== undefined ? [first, last] : undefined,
		...(raw.c === 1 ? { c: 1 as const } : {}),
	};
}

/** Writes a value and reports whether n8n kept it (it silently drops an 11th key). */
function store(data: CustomData | undefined, key: string, value: string): boolean {
	return !!data && tryRead(() => (data.set(key, value), data.get(key) === value)) === true;
}

/** The value to continue from: inherited in a Retry, shared with earlier nodes of this execution, or new. */
function continueChain(
	stored: StoredChain | undefined,
	executionId: string,
	retry: boolean,
): StoredChain {
	if (stored && stored.x !== executionId && retry) {
		// The first of our nodes in this retry freezes what the chain placed before the retry began,
		// so that calls this retry places itself are never taken for the original's.
		const before =
			stored.f === undefined ? undefined : ([stored.f, stored.l ?? stored.f] as [number, number]);
		return { ...stored, e: executionId, p: stored.e !== executionId ? before : stored.p };
	}
	if (stored && stored.x === executionId) return { ...stored, e: executionId };
	// No chain, or one a non-retry execution carries (a stale value): a new chain never skips a call,
	// except in a Retry that inherited no chain, whose original crashed (see crashedSinceOf).
	const crashed = retry && !stored ? { c: 1 as const } : {};
	return { v: 1, t: randomString(10), x: executionId, e: executionId, ...crashed };
}

/**
 * The earliest node start time in the run data this execution continues from. A Retry of a
 * crashed execution carries the crashed run's start times: rebuilt from n8n's event log by its
 * crash recovery (ExecutionRecoveryService.amend, the default 'extensive' mode), or saved by
 * EXECUTIONS_DATA_SAVE_ON_PROGRESS. Every call the crashed run placed was placed after it. Read
 * from the context's run data, which n8n-workflow does not expose otherwise. Crash recovery writes
 * seconds (Luxon toUnixInteger), nodes milliseconds.
 */
function crashedSinceOf(ctx: IExecuteFunctions): number | undefined {
	type Runs = Record<string, Array<{ startTime?: unknown }> | undefined>;
	const runData = tryRead(
		() => (ctx as { runExecutionData?: { resultData?: { runData?: Runs } } }).runExecutionData,
	)?.resultData?.runData;
	const starts = Object.values(runData ?? {})
		.flatMap((runs) => (Array.isArray(runs) ? runs.map((run) => finite(run?.startTime) ?? 0) : []))
		.filter((time) => time > 0)
		.map((time) => (time < 100_000_000_000 ? time * 1000 : time));
	return starts.length > 0 ? Math.min(...starts) : undefined;
}

/** One chain per node run (n8n hands a node one context for its whole run). */
const chains = new WeakMap<object, ExecutionChain>();

export function executionChainOf(ctx: IExecuteFunctions): ExecutionChain {
	const known = chains.get(ctx);
	if (known) return known;
	const data = customDataOf(ctx);
	const executionId = String(ctx.getExecutionId?.() ?? '');
	const retry = tryRead(() => ctx.getMode?.()) === 'retry';
	const current = continueChain(parseChain(data?.get(CHAIN_KEY)), executionId, retry);
	const persisted = store(data, CHAIN_KEY, JSON.stringify(current));
	const isRetry = current.x !== executionId;
	const chain: ExecutionChain = {
		token: current.t,
		isRetry,
		priorWindow: isRetry && current.p ? { firstMs: current.p[0], lastMs: current.p[1] } : undefined,
		crashRetry: current.c === 1 ? { crashedSinceMs: crashedSinceOf(ctx) } : undefined,
		markAttempt(nowMs: number) {
			current.f ??= nowMs;
			current.l = Math.max(current.l ?? nowMs, nowMs);
			if (persisted) store(data, CHAIN_KEY, JSON.stringify(current));
		},
	};
	if (!persisted) {
		ctx.logger?.warn?.(
			'Agentive Voice: the execution custom data could not be kept (missing, or 10 keys already used), so a Retry of this execution cannot recognise calls it already placed.',
		);
	}
	chains.set(ctx, chain);
	return chain;
}

/** FNV-1a, 32 bits, base 36: a short stable tag (a node id, a request and code). Not a secret. */
export function shortHash(text: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash.toString(36);
}

/**
 * The reference_id generated for an item: `n8n-<token>-<node>-<run>-<item>`. The same item of the
 * same node run gets the same id in the original execution and in every Retry of it; any other
 * execution has another token.
 */
export function chainReferenceId(ctx: IExecuteFunctions, itemIndex: number): string {
	const chain = executionChainOf(ctx);
	return `n8n-${chain.token}-${nodeTag(ctx)}-${runIndexOf(ctx, itemIndex)}-${itemIndex}`;
}

/** The node's part of a generated reference_id. */
export function nodeTag(ctx: IExecuteFunctions): string {
	const node = ctx.getNode();
	return shortHash(node.id ?? node.name);
}

/** The parts of a reference_id this package generated, or undefined for any other id. */
export function parseGeneratedId(
	referenceId: string,
): { token: string; node: string; run: number; item: number } | undefined {
	const match = /^n8n-([A-Za-z0-9]+)-([a-z0-9]+)-(\d+)-(\d+)$/.exec(referenceId);
	if (!match) return undefined;
	return { token: match[1], node: match[2], run: Number(match[3]), item: Number(match[4]) };
}

// ---- Verify Code answers --------------------------------------------------------------------

/** What Verify Code answers, one letter each in custom data (`vietufr`). */
const ANSWERS = [
	'verified',
	'incorrect_code',
	'expired',
	'too_many_attempts',
	'already_used',
	'verification_failed',
	'rejected',
];
const LETTERS = 'vietufr';

const answerKey = (target: string, code: string) => shortHash(`${target}\n${code}`);

function readAnswers(data: CustomData | undefined): string[] {
	const text = data?.get(VERIFY_KEY);
	return typeof text === 'string' && text !== '' ? text.split(' ') : [];
}

/** The answer an earlier execution of the chain gave for this request (or number) and code. */
export function answeredBefore(
	ctx: IExecuteFunctions,
	target: string,
	code: string,
): IDataObject | undefined {
	if (!executionChainOf(ctx).isRetry) return undefined;
	const key = answerKey(target, code);
	const entry = readAnswers(customDataOf(ctx))
		.reverse()
		.find((text) => text.startsWith(`${key}:`));
	const [, letter, left] = entry?.split(':') ?? [];
	const reason = ANSWERS[LETTERS.indexOf(letter)];
	if (letter === undefined || reason === undefined) return undefined;
	const answer: IDataObject = { verified: reason === 'verified' };
	if (reason !== 'verified') answer.reason = reason;
	if (left !== '' && Number.isSafeInteger(Number(left))) answer.attempts_left = Number(left);
	return answer;
}

/** Records Verify Code's answer so that a Retry of this execution does not use another attempt. */
export function recordAnswer(
	ctx: IExecuteFunctions,
	target: string,
	code: string,
	answer: IDataObject,
): void {
	const data = customDataOf(ctx);
	if (!data) return;
	const index = ANSWERS.indexOf(answer.verified === true ? 'verified' : String(answer.reason));
	const entry = `${answerKey(target, code)}:${LETTERS[index] ?? 'r'}:${answer.attempts_left ?? ''}`;
	store(data, VERIFY_KEY, [...readAnswers(data), entry].slice(-MAX_VERIFY_ENTRIES).join(' '));
}

/**
 * The execution chain a node run belongs to: an execution and every n8n Retry of it.
 *
 * n8n's Retry (Executions › Retry) starts a NEW execution (new id, mode 'retry') from the failed
 * one's saved data: nodes that succeeded are not re-run, the failed node re-runs with all of its
 * original input items under the same run index, and the execution's custom data (`$execution.
 * customData`, saved with the execution) comes along unchanged. So what a node writes into custom
 * data is read back by every retry of that execution, and by nothing else: a new execution of the
 * same workflow starts with empty custom data.
 *
 * The chain is one custom-data key holding a random token (generated reference ids are derived from
 * it, so a retry sends exactly the ids the original sent), the id of the execution that started the
 * chain, and the host times of its first and latest placement attempts (the window in which a retry
 * looks for calls the chain already placed). A second key records Verify Code's answers.
 * The rule built on it is written down in docs/assumptions.md, "Retried executions".
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { randomString } from 'n8n-workflow';

import { runIndexOf } from './ledger';

/** Custom-data keys: letters only (n8n allows letters, digits and underscores, 50 at most). */
export const CHAIN_KEY = 'agentiveVoiceRun';
export const VERIFY_KEY = 'agentiveVoiceVerify';
const TOKEN_LENGTH = 10;
/** n8n keeps at most 512 characters per custom-data value; each verify entry takes about 14. */
const MAX_VERIFY_ENTRIES = 24;

interface StoredChain {
	v: 1;
	/** Random token of the chain. */
	t: string;
	/** Id of the execution that started the chain. */
	x: string;
	/** Id of the execution that wrote this value last. */
	e: string;
	/** Host time (epoch ms) of the chain's first and latest placement attempts. */
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
	/** n8n keeps the chain with the execution (false where custom data is missing or full). */
	readonly persisted: boolean;
	/** Host times (epoch ms) of the chain's first and latest placement attempts before this retry. */
	readonly priorWindow?: { firstMs: number; lastMs: number };
	/**
	 * This execution is an n8n Retry of an execution whose custom data n8n lost: a crashed one
	 * (n8n saves custom data only when an execution finishes). `crashedSinceMs` is the earliest
	 * start time of a node in the data the retry continues from, when there is one.
	 */
	readonly crashRetry?: { crashedSinceMs?: number };
	/** Marks a placement attempt (host clock) before its request is sent. */
	markAttempt(nowMs: number): void;
}

interface CustomData {
	get(key: string): unknown;
	set(key: string, value: string): void;
}

function isCustomData(value: unknown): value is CustomData {
	return (
		!!value &&
		typeof (value as CustomData).get === 'function' &&
		typeof (value as CustomData).set === 'function'
	);
}

/**
 * The execution's custom data: `this.customData` (n8n 2.16 and later), or the same store through
 * `$execution.customData` (every n8n version this package supports). Undefined where a context has
 * none; reading either may throw in contexts without run data.
 */
function customDataOf(ctx: IExecuteFunctions): CustomData | undefined {
	try {
		const direct = (ctx as { customData?: unknown }).customData;
		if (isCustomData(direct)) return direct;
	} catch {
		// Falls through to the data proxy.
	}
	try {
		const proxied = (ctx.getWorkflowDataProxy(0).$execution as IDataObject | undefined)?.customData;
		return isCustomData(proxied) ? proxied : undefined;
	} catch {
		return undefined;
	}
}

const finite = (value: unknown): number | undefined =>
	typeof value === 'number' && Number.isFinite(value) ? value : undefined;

function parseChain(value: unknown): StoredChain | undefined {
	if (typeof value !== 'string') return undefined;
	try {
		const raw = JSON.parse(value) as Record<string, unknown>;
		if (raw?.v !== 1 || typeof raw.t !== 'string' || typeof raw.x !== 'string') return undefined;
		const prior = Array.isArray(raw.p) ? raw.p.map(finite) : [];
		return {
			v: 1,
			t: raw.t,
			x: raw.x,
			e: typeof raw.e === 'string' ? raw.e : raw.x,
			f: finite(raw.f),
			l: finite(raw.l),
			p:
				prior.length === 2 && prior[0] !== undefined && prior[1] !== undefined
					? [prior[0], prior[1]]
					: undefined,
			...(raw.c === 1 ? { c: 1 as const } : {}),
		};
	} catch {
		return undefined;
	}
}

function modeOf(ctx: IExecuteFunctions): string | undefined {
	try {
		return ctx.getMode?.();
	} catch {
		return undefined;
	}
}

/** Writes a value and reports whether n8n kept it (it silently drops an 11th key). */
function store(data: CustomData | undefined, key: string, value: string): boolean {
	if (!data) return false;
	try {
		data.set(key, value);
		return data.get(key) === value;
	} catch {
		return false;
	}
}

/** The value to continue from: inherited in a Retry, shared with earlier nodes of this execution, or new. */
function continueChain(
	stored: StoredChain | undefined,
	executionId: string,
	isRetryMode: boolean,
): StoredChain {
	if (stored && stored.x !== executionId && isRetryMode) {
		// The first of our nodes in this retry freezes what the chain placed before the retry began,
		// so that calls this retry places itself are never taken for the original's.
		const firstHere = stored.e !== executionId;
		const before =
			stored.f === undefined ? undefined : ([stored.f, stored.l ?? stored.f] as [number, number]);
		return { ...stored, e: executionId, p: firstHere ? before : stored.p };
	}
	if (stored && stored.x === executionId) return { ...stored, e: executionId };
	// No chain, or one a non-retry execution carries (a stale value): a new chain never skips a call,
	// except in a Retry that inherited no chain, whose original crashed (see crashedSinceOf).
	return {
		v: 1,
		t: randomString(TOKEN_LENGTH),
		x: executionId,
		e: executionId,
		...(isRetryMode && !stored ? { c: 1 as const } : {}),
	};
}

/** n8n's crash recovery writes start times in seconds (Luxon toUnixInteger), nodes in ms. */
const asEpochMs = (time: number): number => (time < 100_000_000_000 ? time * 1000 : time);

/**
 * The earliest node start time in the run data this execution continues from. A Retry of a
 * crashed execution carries the crashed run's start times: rebuilt from n8n's event log by its
 * crash recovery (ExecutionRecoveryService.amend, the default 'extensive' mode), or saved by
 * EXECUTIONS_DATA_SAVE_ON_PROGRESS. Every call the crashed run placed was placed after it. Read
 * from the context's run data, which n8n-workflow does not expose otherwise; undefined where absent.
 */
function crashedSinceOf(ctx: IExecuteFunctions): number | undefined {
	try {
		const runData = (
			ctx as {
				runExecutionData?: { resultData?: { runData?: Record<string, unknown> } };
			}
		).runExecutionData?.resultData?.runData;
		let earliest: number | undefined;
		for (const runs of Object.values(runData ?? {})) {
			if (!Array.isArray(runs)) continue;
			for (const run of runs as Array<{ startTime?: unknown }>) {
				const time = finite(run?.startTime);
				if (time !== undefined && time > 0)
					earliest = Math.min(earliest ?? Infinity, asEpochMs(time));
			}
		}
		return earliest;
	} catch {
		return undefined;
	}
}

/** One chain per node run (n8n hands a node one context for its whole run). */
const chains = new WeakMap<object, ExecutionChain>();

export function executionChainOf(ctx: IExecuteFunctions): ExecutionChain {
	const known = chains.get(ctx);
	if (known) return known;
	const data = customDataOf(ctx);
	const executionId = String(ctx.getExecutionId?.() ?? '');
	const current = continueChain(
		parseChain(data?.get(CHAIN_KEY)),
		executionId,
		modeOf(ctx) === 'retry',
	);
	const persisted = store(data, CHAIN_KEY, JSON.stringify(current));
	const isRetry = current.x !== executionId;
	const chain: ExecutionChain = {
		token: current.t,
		isRetry,
		persisted,
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

/** An answer Verify Code output for a request and code. */
export interface VerifyAnswer {
	verified: boolean;
	reason?: string;
	attemptsLeft?: number;
}

const REASON_LETTERS: Record<string, string> = {
	verified: 'v',
	incorrect_code: 'i',
	expired: 'e',
	too_many_attempts: 't',
	already_used: 'u',
	verification_failed: 'f',
	rejected: 'r',
};
const LETTER_REASONS = Object.fromEntries(
	Object.entries(REASON_LETTERS).map(([reason, letter]) => [letter, reason]),
);

const answerKey = (target: string, code: string) => shortHash(`${target}\n${code}`);

function readAnswers(data: CustomData | undefined): string[] {
	const text = data?.get(VERIFY_KEY);
	return typeof text === 'string' && text !== '' ? text.split(' ') : [];
}

/** The answer an earlier execution of the chain gave for this request (or number) and code, if any. */
export function answeredBefore(
	ctx: IExecuteFunctions,
	target: string,
	code: string,
): VerifyAnswer | undefined {
	if (!executionChainOf(ctx).isRetry) return undefined;
	const key = answerKey(target, code);
	for (const entry of readAnswers(customDataOf(ctx)).reverse()) {
		const [hash, letter, left] = entry.split(':');
		if (hash !== key) continue;
		const reason = LETTER_REASONS[letter];
		if (reason === undefined) return undefined;
		const attemptsLeft = left === '' || left === undefined ? undefined : Number(left);
		return {
			verified: reason === 'verified',
			...(reason === 'verified' ? {} : { reason }),
			...(Number.isSafeInteger(attemptsLeft) ? { attemptsLeft } : {}),
		};
	}
	return undefined;
}

/** Records an answer so that a Retry of this execution does not use another attempt on it. */
export function recordAnswer(
	ctx: IExecuteFunctions,
	target: string,
	code: string,
	answer: VerifyAnswer,
): void {
	const data = customDataOf(ctx);
	if (!data) return;
	const letter =
		REASON_LETTERS[answer.verified ? 'verified' : (answer.reason ?? 'rejected')] ?? 'r';
	const entry = `${answerKey(target, code)}:${letter}:${answer.attemptsLeft ?? ''}`;
	const entries = [...readAnswers(data), entry].slice(-MAX_VERIFY_ENTRIES);
	store(data, VERIFY_KEY, entries.join(' '));
}

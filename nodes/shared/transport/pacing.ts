/**
 * Pacing: WHEN a request may be sent. Each run has a session; each account one rate-limit window
 * per process, shared by its runs. An account 429 is waited out and resent, within a WaitBudget.
 */
import { NodeOperationError, sleep } from 'n8n-workflow';

import { sendOnce, CREDENTIAL_TYPE, type AttemptResult } from './attempt';
import { isAccountRateLimit, rateLimitWaitExceeded } from './errors';
import { secureBaseUrl } from './secureBaseUrl';
import type { ApiContext, ApiRequest, ApiResponse } from './types';

/** What the transport keeps for one node run (one execution context). */
export interface Session {
	baseUrl: string;
	window: AccountWindow;
	/** unique_ids handed to an item of this run (placed or found): callLog.ts hands each out once. */
	claimed: Set<string>;
	/** Whether this run has sent a request yet (its first is a probe, see claim). */
	started: boolean;
}

/** n8n hands a node one context object per run, so this lives exactly as long as the run. */
const sessions = new WeakMap<object, Session>();

export async function sessionFor(ctx: ApiContext): Promise<Session> {
	const known = sessions.get(ctx);
	if (known) return known;
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = secureBaseUrl(ctx.getNode(), credentials);
	const accountKey = `${baseUrl} ${String(credentials.publishableKey ?? '')}`;
	const window = accountWindowFor(accountKey, Date.now());
	const session: Session = { baseUrl, window, claimed: new Set(), started: false };
	sessions.set(ctx, session);
	return session;
}

function cancelSignalOf(ctx: ApiContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

/** Throws if the execution was cancelled, so no further request or wait starts. */
export function throwIfCancelled(ctx: ApiContext): void {
	const signal = cancelSignalOf(ctx);
	if (!signal?.aborted) return;
	if (signal.reason instanceof Error) throw signal.reason;
	throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled');
}

/** Ends early when the execution is cancelled. */
export async function pause(ctx: ApiContext, ms: number): Promise<void> {
	throwIfCancelled(ctx);
	if (ms > 0) {
		try {
			await sleep(ms, cancelSignalOf(ctx));
		} catch (error) {
			throwIfCancelled(ctx);
			throw new NodeOperationError(ctx.getNode(), error as Error);
		}
	}
	throwIfCancelled(ctx);
}

/** What one response says about the account's rate-limit window. Absent when missing or malformed. */
export interface RateLimitInfo {
	limit?: number;
	remaining?: number;
	/** Seconds until the window resets (RateLimit-Reset, a delta in whole seconds). */
	resetSec?: number;
	/** From Retry-After (seconds or an HTTP date), in milliseconds from now. */
	retryAfterMs?: number;
}

type LowerHeaders = Map<string, string | string[] | undefined>;

/** Anything above this is not a delta but an epoch timestamp in seconds (some gateways send one). */
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

function rawHeader(headers: LowerHeaders, name: string): string | undefined {
	const value = headers.get(name);
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' ? first.trim() : undefined;
}

/** "120, 120;w=60" (a figure followed by a policy) → "120". */
function firstFigure(headers: LowerHeaders, name: string): string | undefined {
	return rawHeader(headers, name)?.split(/[,;]/)[0].trim();
}

function wholeNumber(text: string | undefined): number | undefined {
	if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
	return Number(text);
}

/** The draft-7 combined form: `RateLimit: limit=120, remaining=3, reset=20`. */
function combinedField(headers: LowerHeaders, key: string): number | undefined {
	const text = rawHeader(headers, 'ratelimit');
	if (text === undefined) return undefined;
	const match = new RegExp(`(?:^|[\\s,;])${key}=(\\d{1,15})(?![\\d.])`, 'i').exec(text);
	return match ? Number(match[1]) : undefined;
}

function field(headers: LowerHeaders, name: 'limit' | 'remaining' | 'reset'): number | undefined {
	return (
		wholeNumber(firstFigure(headers, `ratelimit-${name}`)) ??
		wholeNumber(firstFigure(headers, `x-ratelimit-${name}`)) ??
		combinedField(headers, name)
	);
}

function retryAfterMs(headers: LowerHeaders, now: number): number | undefined {
	const text = rawHeader(headers, 'retry-after');
	if (!text) return undefined;
	const seconds = wholeNumber(text);
	if (seconds !== undefined) return seconds * 1000;
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function readRateLimitHeaders(raw: ApiResponse['headers'], now: number): RateLimitInfo {
	const headers: LowerHeaders = new Map(
		Object.entries(raw).map(([name, value]) => [name.toLowerCase(), value]),
	);
	const info: RateLimitInfo = {};
	const limit = field(headers, 'limit');
	if (limit !== undefined && limit > 0) info.limit = limit;
	const remaining = field(headers, 'remaining');
	if (remaining !== undefined && (info.limit === undefined || remaining <= info.limit))
		info.remaining = remaining;
	const reset = field(headers, 'reset');
	if (reset !== undefined) {
		info.resetSec =
			reset > EPOCH_SECONDS_THRESHOLD ? Math.max(0, Math.ceil((reset * 1000 - now) / 1000)) : reset;
	}
	const retryAfter = retryAfterMs(headers, now);
	if (retryAfter !== undefined) info.retryAfterMs = retryAfter;
	return info;
}

/** Absorbs timer rounding, so the first request of a new window never arrives early. */
const RESET_MARGIN_MS = 20;

/**
 * One account's rate-limit window as this process knows it (plain numbers, no timers). Alone, a
 * batch spends the budget at once and waits for the reset; once another client is seen on the
 * account, the rest is spread evenly until the reset (for one more window), so that client's
 * requests keep getting through instead of a minute of 429s.
 */
export class AccountWindow {
	limit?: number;
	/** Requests left in the current window, minus those already sent and not yet answered. */
	remaining?: number;
	/** Local time (ms) by which the current window has certainly reset. */
	resetAt?: number;
	/** Requests sent and not yet answered, by any execution sharing this window. */
	inFlight = 0;
	/** Requests parked until this window has room (pacing or after a 429), by any execution. */
	waiting = 0;
	/** Another client used this account in the current window / in the previous one. */
	sharedNow = false;
	sharedBefore = false;
	private lastClaimAt?: number;

	/**
	 * 0 when the request may go now (slot counted), else the ms to wait. A run's first request is a
	 * probe that skips the wait, as what other runs learned may be stale (a restarted server); not
	 * while another run waits or has a request out, when the probe would only draw a 429.
	 */
	claim(now: number, probe = false): number {
		if (probe && (this.waiting > 0 || this.inFlight > 0)) probe = false;
		if (this.resetAt !== undefined && now >= this.resetAt) {
			// A fresh window: full until a response says otherwise.
			this.remaining = this.limit;
			this.resetAt = undefined;
			this.sharedBefore = this.sharedNow;
			this.sharedNow = false;
		}
		if (!probe) {
			if (this.remaining !== undefined && this.remaining <= 0 && this.resetAt !== undefined) {
				return this.resetAt - now;
			}
			const spreadWait = this.spreadWait(now);
			if (spreadWait > 0) return spreadWait;
		}
		if (this.remaining !== undefined) this.remaining -= 1;
		this.inFlight += 1;
		this.lastClaimAt = now;
		return 0;
	}

	/** When shared: the wait that spaces the rest of the budget evenly until the reset. */
	private spreadWait(now: number): number {
		const { remaining, resetAt, lastClaimAt } = this;
		if (!(this.sharedNow || this.sharedBefore)) return 0;
		if (remaining === undefined || resetAt === undefined || lastClaimAt === undefined) return 0;
		const spacing = (resetAt - now) / Math.max(1, remaining);
		return Math.max(0, Math.ceil(lastClaimAt + spacing - now));
	}

	/** The claimed request has been answered (or has failed); call before observe. */
	release(): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
	}

	msUntilReset(now: number): number | undefined {
		return this.resetAt === undefined ? undefined : Math.max(0, this.resetAt - now);
	}

	/**
	 * RateLimit-Reset is whole seconds computed between sentAt and receivedAt, so the reset lies in
	 * (sentAt + (reset-1) s, receivedAt + reset s]; the smallest upper bound is tight, never early.
	 */
	observe(info: RateLimitInfo, sentAt: number, receivedAt: number, rateLimited: boolean): void {
		if (info.limit !== undefined) this.limit = info.limit;
		// A 429 for a slot we believed free means someone else spent it (a probe sent past a
		// window we knew was spent is not evidence of that).
		const unexpected429 = rateLimited && (this.remaining === undefined || this.remaining >= 0);
		// Requests still in flight may not be counted in this answer yet: assume they are spent.
		const remaining = rateLimited
			? 0
			: info.remaining === undefined
				? undefined
				: Math.max(0, info.remaining - this.inFlight);
		if (info.resetSec !== undefined) this.learnWindow(info.resetSec, remaining, sentAt, receivedAt);
		else if (remaining !== undefined && this.resetAt !== undefined) this.lower(remaining);
		if (rateLimited) {
			this.remaining = 0;
			if (unexpected429) this.sharedNow = true;
			// Retry-After is the server's explicit instruction: never come back sooner.
			if (info.retryAfterMs !== undefined) {
				this.resetAt = Math.max(
					this.resetAt ?? 0,
					receivedAt + info.retryAfterMs + RESET_MARGIN_MS,
				);
			}
		}
	}

	/** With nothing in flight our count is exact: a lower server count means another client. */
	private lower(remaining: number): void {
		if (this.remaining !== undefined && remaining < this.remaining && this.inFlight === 0)
			this.sharedNow = true;
		this.remaining = Math.min(this.remaining ?? remaining, remaining);
	}

	private learnWindow(
		resetSec: number,
		remaining: number | undefined,
		sentAt: number,
		receivedAt: number,
	): void {
		const upper = receivedAt + resetSec * 1000 + RESET_MARGIN_MS;
		const lower = sentAt + Math.max(0, resetSec - 1) * 1000;
		if (this.resetAt !== undefined && lower >= this.resetAt) {
			// The response belongs to a later window than the one we knew.
			this.resetAt = upper;
			this.remaining = remaining;
			this.sharedBefore = this.sharedNow;
			this.sharedNow = false;
			return;
		}
		if (
			remaining !== undefined &&
			this.remaining !== undefined &&
			remaining > this.remaining &&
			this.inFlight === 0
		) {
			// With nothing in flight the server's count is exact: ours was too pessimistic (an
			// uncounted request, a window that reset early, a restarted server). Take the server's.
			this.resetAt = upper;
			this.remaining = remaining;
			this.sharedNow = false;
			this.sharedBefore = false;
			return;
		}
		// The same window, or the first answer in a window we had assumed fresh.
		this.resetAt = this.resetAt === undefined ? upper : Math.min(this.resetAt, upper);
		// Our very first answer: had we been alone, only our own request would be counted.
		if (this.remaining === undefined && this.limit !== undefined) this.remaining = this.limit - 1;
		if (remaining !== undefined) this.lower(remaining);
	}
}

/**
 * Windows by account, shared by every execution in this process (the limit is per account). Only
 * numbers, keyed by base URL and the public publishable key; passed windows are swept.
 */
const windows = new Map<string, AccountWindow>();
const SWEEP_ABOVE = 64;

export function accountWindowFor(accountKey: string, now: number): AccountWindow {
	let window = windows.get(accountKey);
	if (window) return window;
	if (windows.size >= SWEEP_ABOVE) {
		for (const [key, entry] of windows)
			if (entry.resetAt === undefined || entry.resetAt < now) windows.delete(key);
	}
	window = new AccountWindow();
	windows.set(accountKey, window);
	return window;
}

/** Waits after a 429 that carried no timing headers: 1 s, 2 s, 4 s … up to 30 s. */
const FALLBACK_429_WAIT_MS = 1_000;
const FALLBACK_429_WAIT_MAX_MS = 30_000;

/** How much rate-limit waiting one API request (with its lookups) may still do. */
export class WaitBudget {
	spentMs = 0;

	constructor(readonly capMs: number) {}

	/** Records a wait, or throws when it would go past the cap (failing now beats failing later). */
	take(ctx: ApiContext, ms: number, itemIndex: number | undefined): void {
		if (this.spentMs + ms > this.capMs) {
			throw rateLimitWaitExceeded(ctx.getNode(), this.spentMs, ms, this.capMs, itemIndex);
		}
		this.spentMs += ms;
	}
}

/** Spreads retries of clients that were limited together: up to 10% of the wait, 100 ms to 1 s. */
function jitter(waitMs: number): number {
	return Math.random() * Math.min(1_000, Math.max(100, waitMs / 10));
}

/** Waits on the account window, counted so that other runs know its state is in use (see claim). */
async function waitOnWindow(ctx: ApiContext, session: Session, ms: number): Promise<void> {
	session.window.waiting += 1;
	try {
		await pause(ctx, ms);
	} finally {
		session.window.waiting -= 1;
	}
}

async function waitForSlot(
	ctx: ApiContext,
	session: Session,
	budget: WaitBudget,
	itemIndex?: number,
): Promise<void> {
	for (;;) {
		const waitMs = session.window.claim(Date.now(), !session.started);
		session.started = true;
		if (waitMs <= 0) return;
		budget.take(ctx, waitMs, itemIndex);
		await waitOnWindow(ctx, session, waitMs);
	}
}

/** Sends one request in the window; an account 429 (not processed) is waited out and resent. */
export async function exchange(
	ctx: ApiContext,
	session: Session,
	request: ApiRequest,
	budget: WaitBudget,
): Promise<AttemptResult> {
	let fallbackMs = FALLBACK_429_WAIT_MS;
	for (;;) {
		await waitForSlot(ctx, session, budget, request.itemIndex);
		const sentAt = Date.now();
		let result: AttemptResult;
		try {
			result = await sendOnce(ctx, session.baseUrl, request);
		} finally {
			session.window.release();
		}
		throwIfCancelled(ctx);
		if (result.kind === 'no-response') return result;
		const { response } = result;
		const receivedAt = Date.now();
		const limited = isAccountRateLimit(response.statusCode, response.body);
		const info = readRateLimitHeaders(response.headers, receivedAt);
		session.window.observe(info, sentAt, receivedAt, limited);
		if (!limited) return result;

		let waitMs = session.window.msUntilReset(Date.now());
		if (waitMs === undefined) {
			waitMs = fallbackMs;
			fallbackMs = Math.min(fallbackMs * 2, FALLBACK_429_WAIT_MAX_MS);
		}
		waitMs += jitter(waitMs);
		budget.take(ctx, waitMs, request.itemIndex);
		await waitOnWindow(ctx, session, waitMs);
	}
}

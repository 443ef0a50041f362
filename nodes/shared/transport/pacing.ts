/**
 * Pacing: WHEN a request may be sent. Each run (one execute() or poll()) has a session; each
 * account has one rate-limit window per n8n process, learned from the RateLimit-* headers of every
 * response and shared by every run on the account. A request waits for a slot in the window; an
 * account 429 (not processed by the API) is waited out and sent again, within the request's
 * WaitBudget. Waits end early when the execution is cancelled.
 */
import { NodeOperationError, sleep } from 'n8n-workflow';

import { sendOnce, CREDENTIAL_TYPE, type AttemptResult } from './attempt';
import { isAccountRateLimit, rateLimitWaitExceeded } from './errors';
import { secureBaseUrl } from './secureBaseUrl';
import type { ApiContext, ApiRequest, ApiResponse } from './types';

// ---- The run: session and cancellation --------------------------------------------------------

/** What the transport keeps for one node run (one execution context). */
export interface Session {
	baseUrl: string;
	/** The account's rate-limit window, shared by every run on the same account in this process. */
	window: AccountWindow;
	/** unique_ids handed to an item of this run (placed or found): callLog.ts hands each out once. */
	claimed: Set<string>;
	/** Whether this run has sent a request yet: its first one checks the shared window (a probe). */
	started: boolean;
}

/**
 * Sessions by execution context. n8n hands a node one context object for its whole run (every
 * item of an execute(), one poll()), so a WeakMap keyed by it holds the run's state for exactly
 * as long as the run exists, with nothing to clean up and nothing shared between runs.
 */
const sessions = new WeakMap<object, Session>();

export async function sessionFor(ctx: ApiContext): Promise<Session> {
	const known = sessions.get(ctx);
	if (known) return known;
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = secureBaseUrl(ctx.getNode(), credentials);
	const accountKey = `${baseUrl} ${String(credentials.publishableKey ?? '')}`;
	const session: Session = {
		baseUrl,
		window: accountWindowFor(accountKey, Date.now()),
		claimed: new Set(),
		started: false,
	};
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

/** Waits with n8n's sleep, ending early when the execution is cancelled. */
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

// ---- RateLimit-* headers ----------------------------------------------------------------------

/** What one response says about the account's rate-limit window. Absent when missing or malformed. */
export interface RateLimitInfo {
	limit?: number;
	remaining?: number;
	/** Seconds until the window resets (RateLimit-Reset, a delta in whole seconds). */
	resetSec?: number;
	/** From Retry-After (seconds or an HTTP date), in milliseconds from now. */
	retryAfterMs?: number;
}

type Headers = ApiResponse['headers'];
/** Header values by lower-case name. */
type LowerHeaders = Map<string, string | string[] | undefined>;

/** Anything above this is not a delta but an epoch timestamp in seconds (some gateways send one). */
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

/** A header by lower-case name; the first value when repeated. */
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

/** Reads the rate-limit headers defensively: a missing or malformed header is simply absent. */
export function readRateLimitHeaders(raw: Headers, now: number): RateLimitInfo {
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

// ---- The account's window ---------------------------------------------------------------------

/**
 * Margin added to the estimated reset. The estimate is already an upper bound (see observe);
 * this only absorbs timer rounding, so the first request of a new window never arrives early.
 */
const RESET_MARGIN_MS = 20;

/**
 * What this process knows about one account's rate-limit window, learned from the RateLimit-*
 * headers of every response. Plain numbers only: no timers, nothing to clean up.
 *
 * Alone on the account, a batch spends each window's budget as fast as it can and waits for the
 * reset. When another client is seen using the same account (the server's count drops by more
 * than our own requests explain, or a 429 arrives), the rest of each window's budget is spread
 * evenly until the reset instead, so the other system keeps getting its requests through rather
 * than a minute of 429s. Spreading stays on for one window after the other client was last seen.
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
	 * Claims a request slot. Returns 0 when the request may go now (the slot is counted), or the
	 * milliseconds to wait before asking again. A probe claims a slot without waiting: a run's
	 * first request checks what other runs learned, which may be stale (the server restarted).
	 * Not while another run is waiting on this window or has a request out, though: its knowledge
	 * is in use right now, and the probe would only draw a 429 (a poll started during a batch).
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
		if (!(this.sharedNow || this.sharedBefore)) return 0;
		if (
			this.remaining === undefined ||
			this.resetAt === undefined ||
			this.lastClaimAt === undefined
		)
			return 0;
		const spacing = (this.resetAt - now) / Math.max(1, this.remaining);
		return Math.max(0, Math.ceil(this.lastClaimAt + spacing - now));
	}

	/** The claimed request has been answered (or has failed); call before observe. */
	release(): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
	}

	/** Milliseconds until the window is known to have reset, if known. */
	msUntilReset(now: number): number | undefined {
		return this.resetAt === undefined ? undefined : Math.max(0, this.resetAt - now);
	}

	/**
	 * Learns from one response, sent at `sentAt` and received at `receivedAt`. RateLimit-Reset is a
	 * whole number of seconds computed by the server at some instant between the two, so the reset
	 * lies in (sentAt + (reset-1) s, receivedAt + reset s]. Keeping the smallest upper bound seen in
	 * a window makes the estimate tight (the request that opens a window reports the full window),
	 * while never being early.
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

	/**
	 * Takes the server's count when it is lower than ours. With nothing else in flight our count
	 * is exact, so a lower server count means another client spent some of the budget.
	 */
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
 * Windows by account, shared by every execution in this n8n process: the limit is per account,
 * so a Place Call batch, another workflow and the trigger on the same account draw on one budget.
 * It is module state, but holds only numbers (no timers, no credentials: the key is the base URL
 * and the publishable key, which is public by design), and entries whose window has passed are
 * swept, so it stays small. In queue mode each worker paces itself; a 429 is still handled.
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

// ---- Sending within the window ----------------------------------------------------------------

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

/** Waits until the account window has room for one more request, and claims it. */
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

/**
 * Sends one request, paced by the account's rate-limit window. A 429 for the account limit means
 * the request was not processed, so it is waited out (RateLimit-Reset or Retry-After, with
 * jitter) and sent again, whatever the method. Anything else is returned to the caller's policy.
 */
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
		session.window.observe(
			readRateLimitHeaders(response.headers, receivedAt),
			sentAt,
			receivedAt,
			limited,
		);
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

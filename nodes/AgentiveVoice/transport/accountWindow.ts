import type { RateLimitInfo } from './rateLimitHeaders';

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
		if (this.remaining === undefined || this.resetAt === undefined || this.lastClaimAt === undefined) return 0;
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
		const remaining = rateLimited ? 0 : info.remaining === undefined ? undefined : Math.max(0, info.remaining - this.inFlight);
		if (info.resetSec !== undefined) this.learnWindow(info.resetSec, remaining, sentAt, receivedAt);
		else if (remaining !== undefined && this.resetAt !== undefined) this.lower(remaining);
		if (rateLimited) {
			this.remaining = 0;
			if (unexpected429) this.sharedNow = true;
			// Retry-After is the server's explicit instruction: never come back sooner.
			if (info.retryAfterMs !== undefined) {
				this.resetAt = Math.max(this.resetAt ?? 0, receivedAt + info.retryAfterMs + RESET_MARGIN_MS);
			}
		}
	}

	/**
	 * Takes the server's count when it is lower than ours. With nothing else in flight our count
	 * is exact, so a lower server count means another client spent some of the budget.
	 */
	private lower(remaining: number): void {
		if (this.remaining !== undefined && remaining < this.remaining && this.inFlight === 0) this.sharedNow = true;
		this.remaining = Math.min(this.remaining ?? remaining, remaining);
	}

	private learnWindow(resetSec: number, remaining: number | undefined, sentAt: number, receivedAt: number): void {
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
		if (remaining !== undefined && this.remaining !== undefined && remaining > this.remaining && this.inFlight === 0) {
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
		for (const [key, entry] of windows) if (entry.resetAt === undefined || entry.resetAt < now) windows.delete(key);
	}
	window = new AccountWindow();
	windows.set(accountKey, window);
	return window;
}

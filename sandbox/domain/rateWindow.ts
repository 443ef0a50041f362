/**
 * Fixed-window counters keyed by account (or account+number). A window opens at the first hit and
 * lasts windowMs of clock time; RateLimit-Reset is the whole seconds left in it.
 */
export interface WindowState {
	allowed: boolean;
	limit: number;
	remaining: number;
	resetSec: number;
}

export class FixedWindowLimiter {
	private readonly windows = new Map<string, { start: number; count: number }>();

	constructor(
		readonly limit: number,
		readonly windowMs: number,
	) {
		if (!Number.isInteger(limit) || limit < 1)
			throw new Error('Rate limit must be a whole number >= 1.');
		if (!Number.isFinite(windowMs) || windowMs <= 0) throw new Error('Rate window must be > 0 ms.');
	}

	/** Counts one request and says whether it fits in the current window. */
	hit(key: string, now: number): WindowState {
		const window = this.current(key, now);
		window.count += 1;
		return this.describe(window, now);
	}

	clear(): void {
		this.windows.clear();
	}

	private current(key: string, now: number): { start: number; count: number } {
		let window = this.windows.get(key);
		if (!window || now >= window.start + this.windowMs || now < window.start) {
			if (this.windows.size > 10_000) this.sweep(now);
			window = { start: now, count: 0 };
			this.windows.set(key, window);
		}
		return window;
	}

	private describe(window: { start: number; count: number }, now: number): WindowState {
		return {
			allowed: window.count <= this.limit,
			limit: this.limit,
			remaining: Math.max(0, this.limit - window.count),
			resetSec: Math.max(0, Math.ceil((window.start + this.windowMs - now) / 1000)),
		};
	}

	private sweep(now: number): void {
		for (const [key, window] of this.windows)
			if (now >= window.start + this.windowMs) this.windows.delete(key);
	}
}

import { isAccountRateLimit, rateLimitWaitExceeded } from './errors';
import { readRateLimitHeaders } from './rateLimitHeaders';
import { sendOnce, type AttemptResult } from './request';
import { pause, throwIfCancelled, type Session } from './session';
import type { ApiContext, ApiRequest } from './types';

export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 300_000;

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
async function waitForSlot(ctx: ApiContext, session: Session, budget: WaitBudget, itemIndex?: number): Promise<void> {
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
		session.window.observe(readRateLimitHeaders(response.headers, receivedAt), sentAt, receivedAt, limited);
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

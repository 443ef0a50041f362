import { describeNetworkCode, networkError, unknownOutcomeNotRetried } from './errors';
import { exchange, type WaitBudget } from './exchange';
import { unknownOutcomeOf } from './outcome';
import type { AttemptResult } from './request';
import { readRateLimitHeaders } from './rateLimitHeaders';
import { pause, type Session } from './session';
import type { ApiContext, ApiRequest, ApiResponse } from './types';

/** Reads: the first try and three retries, 0.5 s, 1 s, 2 s apart (± jitter). */
export const READ_ATTEMPTS = 4;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8_000;
/** A Retry-After on a 5xx is honoured up to this; beyond it the read fails rather than stall. */
const RETRY_AFTER_MAX_MS = 30_000;

/** Exponential backoff with "equal jitter": between half and all of base × 2^(retry-1). */
export function backoffMs(retry: number): number {
	const full = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (retry - 1));
	return full / 2 + (Math.random() * full) / 2;
}

function retryAfterOf(result: AttemptResult): number | undefined {
	if (result.kind !== 'response') return undefined;
	return readRateLimitHeaders(result.response.headers, Date.now()).retryAfterMs;
}

function expectsJson(request: ApiRequest): boolean {
	return request.encoding !== 'stream';
}

/**
 * A read is safe to repeat: 5xx, 408, unreadable answers, timeouts and dropped connections are
 * retried with bounded exponential backoff. The last answer is returned as it is (the caller turns
 * an error status into a NodeApiError); a last missing answer throws.
 */
export async function readWithRetries(
	ctx: ApiContext,
	session: Session,
	request: ApiRequest,
	budget: WaitBudget,
): Promise<ApiResponse> {
	for (let attempt = 1; ; attempt++) {
		const result = await exchange(ctx, session, request, budget);
		const unknown = unknownOutcomeOf(result, expectsJson(request));
		if (!unknown || attempt >= READ_ATTEMPTS) {
			if (result.kind === 'response') return result.response;
			throw networkError(
				ctx.getNode(),
				result.code,
				request.itemIndex,
				`No answer after ${attempt} attempts. Check the Base URL in the credential and your network, then retry.`,
			);
		}
		const retryAfter = retryAfterOf(result);
		await pause(ctx, Math.max(backoffMs(attempt), Math.min(retryAfter ?? 0, RETRY_AFTER_MAX_MS)));
	}
}

/**
 * A request that is not safe to repeat (Send Code, Verify Code, any POST by default) is sent once;
 * only an account 429, which the API did not process, is waited out and sent again (in exchange).
 * A 5xx answer is returned for the caller to report; a missing answer throws, saying the request
 * may have been processed.
 */
export async function sendWithoutRetry(
	ctx: ApiContext,
	session: Session,
	request: ApiRequest,
	budget: WaitBudget,
): Promise<ApiResponse> {
	const result = await exchange(ctx, session, request, budget);
	if (result.kind === 'response') return result.response;
	if (request.method === 'GET') throw networkError(ctx.getNode(), result.code, request.itemIndex);
	throw unknownOutcomeNotRetried(ctx.getNode(), describeNetworkCode(result.code), request.path, request.itemIndex);
}

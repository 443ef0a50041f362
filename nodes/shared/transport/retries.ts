/**
 * Retries: WHAT happens when an attempt's outcome is unknown (no response, timeout, 5xx, an
 * unreadable answer). 'read' (a GET, safe to repeat) retries with backoff; 'none' (a POST that is
 * not safe to repeat) reports it; 'placement' (a call that must never be placed twice) is in
 * placement.ts, which looks the call up before any retry. The account 429 is not an unknown
 * outcome: pacing.ts waits it out for every policy.
 */
import { describeNetworkCode, networkError, readDetails, unknownOutcomeNotRetried } from './errors';
import type { ApiContext, ApiRequest, ApiResponse } from './types';
import { exchange, pause, readRateLimitHeaders, type Session, type WaitBudget } from './pacing';
import type { AttemptResult } from './attempt';

/** An attempt the API did not answer definitely: the request may or may not have been processed. */
export interface UnknownOutcome {
	/** Short text for error messages, e.g. "no response (ECONNRESET)" or "HTTP 503: …". */
	summary: string;
	/**
	 * Whether the server may still be working on the request (timeout, dropped connection,
	 * gateway answer), so a lookup should give it a moment first. An enveloped 5xx is the API's
	 * own final answer.
	 */
	mayStillBeRunning: boolean;
}

function hasEnvelope(body: unknown): boolean {
	return !!body && typeof body === 'object' && !Buffer.isBuffer(body) && 'status' in body;
}

/**
 * Why an attempt's outcome is unknown, or undefined when the API answered definitely (a 2xx
 * envelope, or a 4xx: the request was refused). 5xx and 408 count as unknown, as does a 2xx whose
 * JSON body is unreadable (a proxy page rather than the API).
 */
export function unknownOutcomeOf(
	result: AttemptResult,
	expectsJson: boolean,
): UnknownOutcome | undefined {
	if (result.kind === 'no-response') {
		return { summary: describeNetworkCode(result.code), mayStillBeRunning: true };
	}
	const { statusCode, body } = result.response;
	if (statusCode >= 500 || statusCode === 408) {
		const details = readDetails(body);
		return {
			summary: details ? `HTTP ${statusCode}: ${details}` : `HTTP ${statusCode}`,
			mayStillBeRunning: !hasEnvelope(body),
		};
	}
	if (expectsJson && statusCode >= 200 && statusCode < 300 && !hasEnvelope(body)) {
		return { summary: `an unreadable HTTP ${statusCode} response`, mayStillBeRunning: true };
	}
	return undefined;
}

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
	throw unknownOutcomeNotRetried(
		ctx.getNode(),
		describeNetworkCode(result.code),
		request.path,
		request.itemIndex,
	);
}

/**
 * Retries: WHAT happens when an attempt's outcome is unknown. 'read' retries with backoff; 'none'
 * reports it; 'placement' is in placement.ts. The account 429 is pacing.ts's, for every policy.
 */
import { describeNetworkCode, networkError, readDetails, unknownOutcomeNotRetried } from './errors';
import type { ApiContext, ApiRequest, ApiResponse } from './types';
import { exchange, pause, readRateLimitHeaders, type Session, type WaitBudget } from './pacing';
import type { AttemptResult } from './attempt';

/** An attempt the API did not answer definitely: the request may or may not have been processed. */
export interface UnknownOutcome {
	/** Short text for error messages, e.g. "no response (ECONNRESET)" or "HTTP 503: …". */
	summary: string;
	/** The server may still be working on it (not an enveloped 5xx): a lookup waits a moment. */
	mayStillBeRunning: boolean;
}

function hasEnvelope(body: unknown): boolean {
	return !!body && typeof body === 'object' && !Buffer.isBuffer(body) && 'status' in body;
}

/** Undefined for a definite answer (2xx envelope, 4xx); 5xx, 408 and a non-JSON 2xx are unknown. */
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

/** A read is safe to repeat: an unknown outcome is retried with backoff; the last answer returned. */
export async function readWithRetries(
	ctx: ApiContext,
	session: Session,
	request: ApiRequest,
	budget: WaitBudget,
): Promise<ApiResponse> {
	for (let attempt = 1; ; attempt++) {
		const result = await exchange(ctx, session, request, budget);
		const unknown = unknownOutcomeOf(result, request.encoding !== 'stream');
		if (!unknown || attempt >= READ_ATTEMPTS) {
			if (result.kind === 'response') return result.response;
			const advice = `No answer after ${attempt} attempts. Check the Base URL in the credential and your network, then retry.`;
			throw networkError(ctx.getNode(), result.code, request.itemIndex, advice);
		}
		const retryAfter = retryAfterOf(result);
		await pause(ctx, Math.max(backoffMs(attempt), Math.min(retryAfter ?? 0, RETRY_AFTER_MAX_MS)));
	}
}

/** Sent once (only an account 429 is resent, in exchange); a missing answer may have been processed. */
export async function sendWithoutRetry(
	ctx: ApiContext,
	session: Session,
	request: ApiRequest,
	budget: WaitBudget,
): Promise<ApiResponse> {
	const result = await exchange(ctx, session, request, budget);
	if (result.kind === 'response') return result.response;
	if (request.method === 'GET') throw networkError(ctx.getNode(), result.code, request.itemIndex);
	const problem = describeNetworkCode(result.code);
	throw unknownOutcomeNotRetried(ctx.getNode(), problem, request.path, request.itemIndex);
}

/**
 * The transport: every request of both nodes goes through apiRequest / apiRequestFull.
 *
 *   operation / poll / list search
 *        |  apiRequest(ctx, request)                    index.ts    success or NodeApiError; List pages
 *        v                                              pages.ts    which page comes next
 *   retry policy, by request.retry:                     retries.ts  unknown outcome? read: back off and
 *        |   'read' | 'none' | 'placement'                          retry; none: report it
 *        |                                              placement.ts  placement: look the call up in
 *        |                                              callLog.ts  the call log (the one List-calls
 *        v                                                          reader) before any retry
 *   exchange(ctx, session, request, budget)             pacing.ts   when to send: the account's
 *        |                                                          rate-limit window; 429: wait, resend
 *        v
 *   sendOnce(ctx, baseUrl, request)                     attempt.ts  one HTTP request, via n8n's
 *        |                                                          httpRequestWithAuthentication
 *        v
 *   errors.ts (what the user reads; never the request or its secret)
 *   download.ts (a streamed recording handed to n8n's binary store)
 *   types.ts (the requests and answers every layer passes; imported by all, importing none)
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_MAX_RATE_LIMIT_WAIT_SEC, MAX_PER_PAGE } from '../apiFacts';
import { apiStatusError } from './errors';
import { pages, type Page } from './pages';
import { sessionFor, WaitBudget } from './pacing';
import { placeWithRecovery } from './placement';
import { readWithRetries, sendWithoutRetry } from './retries';
import type { ApiContext, ApiRequest, ApiResponse, Envelope } from './types';

export { bytesReceived, consumeStream } from './download';
export type { Page } from './pages';
export type * from './types';

function isSuccess(request: ApiRequest, statusCode: number, body: unknown): boolean {
	if (statusCode < 200 || statusCode >= 300) return false;
	// A 2xx JSON body must be a success envelope; a streamed body has no envelope.
	if (request.encoding === 'stream') return true;
	return !!body && typeof body === 'object' && (body as Envelope).status !== 'error';
}

/** GET is safe to repeat; anything else is sent once unless the caller chose a policy. */
function retryModeOf(request: ApiRequest): NonNullable<ApiRequest['retry']> {
	return request.retry ?? (request.method === 'GET' ? 'read' : 'none');
}

/**
 * Sends a request and returns the full response; API errors become NodeApiError. Every request
 * is paced by the account's rate-limit window and waits out an account 429; what happens when
 * the outcome is unknown (5xx, timeout, dropped connection) follows `request.retry`.
 */
export async function apiRequestFull<T = IDataObject>(
	ctx: ApiContext,
	request: ApiRequest,
): Promise<ApiResponse<T>> {
	const session = await sessionFor(ctx);
	const budget = new WaitBudget(
		request.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SEC * 1000,
	);
	const mode = retryModeOf(request);
	const response =
		mode === 'placement'
			? await placeWithRecovery(ctx, session, request, budget)
			: mode === 'read'
				? await readWithRetries(ctx, session, request, budget)
				: await sendWithoutRetry(ctx, session, request, budget);
	if (isSuccess(request, response.statusCode, response.body)) return response as ApiResponse<T>;
	if (request.acceptError?.(response.statusCode, response.body)) return response as ApiResponse<T>;
	throw apiStatusError(ctx.getNode(), response.statusCode, response.body, request.itemIndex);
}

/** Sends a request and returns the parsed envelope. */
export async function apiRequest<T extends IDataObject = Envelope>(
	ctx: ApiContext,
	request: ApiRequest,
): Promise<T> {
	return (await apiRequestFull<T>(ctx, request)).body;
}

/**
 * The pages of a List endpoint (GET, `page`/`per_page`), most recent first, each read through
 * apiRequest. The caller stops when it has what it needs (`break` ends the iteration).
 */
export function listPages<T>(
	ctx: ApiContext,
	request: Omit<ApiRequest, 'method'>,
	perPage = MAX_PER_PAGE,
	maxPages?: number,
): AsyncGenerator<Page<T>> {
	return pages<T>(
		async (page) =>
			await apiRequest(ctx, {
				...request,
				method: 'GET',
				qs: { ...request.qs, page, per_page: perPage },
			}),
		maxPages,
	);
}

/**
 * Every entry of a List endpoint, or the first `limit`. per_page is sized so that a limit costs
 * as few requests as possible.
 */
export async function apiRequestAllPages<T extends IDataObject>(
	ctx: ApiContext,
	request: Omit<ApiRequest, 'method'>,
	limit?: number,
): Promise<T[]> {
	const results: T[] = [];
	const perPage = limit === undefined ? MAX_PER_PAGE : Math.min(MAX_PER_PAGE, Math.max(1, limit));
	for await (const { data } of listPages<T>(ctx, request, perPage)) {
		results.push(...data);
		if (limit !== undefined && results.length >= limit) return results.slice(0, limit);
	}
	return results;
}

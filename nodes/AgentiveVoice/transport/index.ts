import type { IDataObject } from 'n8n-workflow';

import { apiStatusError } from './errors';
import { DEFAULT_MAX_RATE_LIMIT_WAIT_MS, WaitBudget } from './exchange';
import { placeWithRecovery } from './placement';
import { readWithRetries, sendWithoutRetry } from './retryPolicies';
import { sessionFor } from './session';
import type { ApiContext, ApiRequest, ApiResponse, Envelope, ListEnvelope } from './types';

export type { ApiContext, ApiRequest, ApiResponse, BodyStream, Envelope, ListEnvelope } from './types';
export { bytesReceived, consumeStream } from './streamBody';
export { DEFAULT_MAX_RATE_LIMIT_WAIT_MS } from './exchange';

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
	const budget = new WaitBudget(request.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS);
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

export const MAX_PER_PAGE = 100;

/**
 * Reads a List endpoint page by page (`page`/`per_page`), stopping at `total_pages` or once
 * `limit` items are collected. per_page is sized so that a limit costs as few requests as possible.
 */
export async function apiRequestAllPages<T extends IDataObject>(
	ctx: ApiContext,
	request: Omit<ApiRequest, 'method'>,
	limit?: number,
): Promise<T[]> {
	const results: T[] = [];
	const perPage = limit === undefined ? MAX_PER_PAGE : Math.min(MAX_PER_PAGE, Math.max(1, limit));
	for (let page = 1; ; page++) {
		const body = await apiRequest<ListEnvelope<T>>(ctx, {
			...request,
			method: 'GET',
			qs: { ...request.qs, page, per_page: perPage },
		});
		const data = Array.isArray(body.data) ? body.data : [];
		for (const entry of data) {
			if (limit !== undefined && results.length >= limit) return results;
			results.push(entry);
		}
		const totalPages = body.pagination?.total_pages ?? page;
		if (page >= totalPages || data.length === 0) return results;
		if (limit !== undefined && results.length >= limit) return results;
	}
}

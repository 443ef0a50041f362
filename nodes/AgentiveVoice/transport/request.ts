import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { networkCodeOf } from './errors';
import type { ApiContext, ApiRequest, ApiResponse } from './types';
import { CREDENTIAL_TYPE } from './types';

export const DEFAULT_TIMEOUT_MS = 30_000;

/** One attempt: either the API's response (any status) or the network code of a missing one. */
export type AttemptResult =
	| { kind: 'response'; response: ApiResponse }
	| { kind: 'no-response'; code: string };

/** Decodes an arraybuffer error body so its envelope can be read. */
function decodeBody(body: unknown): unknown {
	if (!Buffer.isBuffer(body)) return body;
	try {
		return JSON.parse(body.toString('utf8')) as unknown;
	} catch {
		return body.toString('utf8');
	}
}

/**
 * One HTTP attempt, never retried here. HTTP errors come back as responses (so the caller can
 * read the envelope and the rate-limit headers); a missing response comes back as its network
 * code only, never the request (whose headers hold the secret).
 */
export async function sendOnce(ctx: ApiContext, baseUrl: string, request: ApiRequest): Promise<AttemptResult> {
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		headers: { accept: request.encoding === 'arraybuffer' ? '*/*' : 'application/json', ...request.headers },
		json: request.encoding !== 'arraybuffer',
		encoding: request.encoding === 'arraybuffer' ? 'arraybuffer' : undefined,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	};
	let response: { statusCode: number; headers: ApiResponse['headers']; body: unknown };
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			CREDENTIAL_TYPE,
			options,
		)) as typeof response;
	} catch (error) {
		return { kind: 'no-response', code: networkCodeOf(error) ?? 'ECONNRESET' };
	}
	const ok = response.statusCode >= 200 && response.statusCode < 300;
	const body = ok && request.encoding === 'arraybuffer' ? response.body : decodeBody(response.body);
	return {
		kind: 'response',
		response: { statusCode: response.statusCode, headers: response.headers ?? {}, body: body as IDataObject },
	};
}

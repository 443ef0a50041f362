import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { networkCodeOf, networkError } from './errors';
import type { ApiContext, ApiRequest, ApiResponse } from './types';
import { CREDENTIAL_TYPE } from './types';

const DEFAULT_TIMEOUT_MS = 30_000;

export async function baseUrlOf(ctx: ApiContext): Promise<string> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
}

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
 * read the envelope and the rate-limit headers); a missing response throws a NodeApiError that
 * carries only the network code, never the request (whose headers hold the secret).
 */
export async function sendOnce(
	ctx: ApiContext,
	baseUrl: string,
	request: ApiRequest & { timeoutMs?: number },
): Promise<ApiResponse> {
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
		throw networkError(ctx.getNode(), networkCodeOf(error) ?? 'ECONNRESET', request.itemIndex);
	}
	const ok = response.statusCode >= 200 && response.statusCode < 300;
	const body = ok && request.encoding === 'arraybuffer' ? response.body : decodeBody(response.body);
	return { statusCode: response.statusCode, headers: response.headers ?? {}, body: body as IDataObject };
}

import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { networkCodeOf } from './errors';
import { readErrorBody, watchStream } from './streamBody';
import type { ApiContext, ApiRequest, ApiResponse, BodyStream } from './types';
import { CREDENTIAL_TYPE } from './types';

export const DEFAULT_TIMEOUT_MS = 30_000;

/** One attempt: either the API's response (any status) or the network code of a missing one. */
export type AttemptResult =
	| { kind: 'response'; response: ApiResponse }
	| { kind: 'no-response'; code: string };

/** Decodes a binary error body so its envelope can be read. */
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
 *
 * With encoding 'stream' a 2xx body is returned unread, guarded against stalls, so a recording
 * goes to n8n's binary store as it arrives. An error status is read in full here (it is a small
 * envelope), so every policy above sees an error body exactly as with JSON, and a read retry
 * only ever repeats a request whose body was never handed over.
 */
export async function sendOnce(ctx: ApiContext, baseUrl: string, request: ApiRequest): Promise<AttemptResult> {
	const streamed = request.encoding === 'stream';
	const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		headers: { accept: streamed ? '*/*' : 'application/json', ...request.headers },
		json: !streamed,
		encoding: streamed ? 'stream' : undefined,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeoutMs,
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
	let body = response.body;
	if (streamed) {
		const stream = watchStream(body as BodyStream, timeoutMs);
		if (!ok) {
			try {
				body = await readErrorBody(stream);
			} catch (error) {
				return { kind: 'no-response', code: networkCodeOf(error) ?? 'ECONNRESET' };
			}
		}
	}
	return {
		kind: 'response',
		response: {
			statusCode: response.statusCode,
			headers: response.headers ?? {},
			body: (streamed && ok ? body : decodeBody(body)) as IDataObject,
		},
	};
}

import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** What a user should do about each HTTP status, in the spec's terms. */
function adviceFor(statusCode: number): string {
	if (statusCode === 401 || statusCode === 403) {
		return 'Check the Publishable Key and Secret Key in the Agentive Voice credential, and that the account is active with API access enabled.';
	}
	if (statusCode === 429) return 'Slow down: the API allows 120 requests per minute per account. Retry shortly.';
	if (statusCode === 404) return 'Check the id: it must belong to this account.';
	if (statusCode >= 500) return 'A temporary problem at Agentive Voice. Retry after a short pause.';
	return 'Check the fields of this item against the message above.';
}

function readDetails(body: unknown): string | undefined {
	if (body && typeof body === 'object' && typeof (body as { details?: unknown }).details === 'string') {
		return (body as { details: string }).details;
	}
	return undefined;
}

/**
 * An error response from the API. Only the envelope's public fields are kept, so nothing from
 * the request (its headers carry the secret) can leak into the error.
 */
export function apiStatusError(
	node: INode,
	statusCode: number,
	body: unknown,
	itemIndex?: number,
): NodeApiError {
	const details = readDetails(body) ?? 'The API returned an unexpected response.';
	const response: JsonObject = { status: 'error', code: statusCode, details };
	return new NodeApiError(node, response, {
		message: `Agentive Voice API error ${statusCode}: ${details}`,
		description: adviceFor(statusCode),
		httpCode: String(statusCode),
		itemIndex,
	});
}

/** Network-level failure codes that mean "no usable response arrived". */
const NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'EHOSTUNREACH',
]);

/** Finds a Node/axios error code anywhere in a (possibly wrapped) error. */
export function networkCodeOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
		const message = (current as { message?: unknown }).message;
		if (typeof message === 'string') {
			if (/timeout/i.test(message)) return 'ETIMEDOUT';
			if (/socket hang up/i.test(message)) return 'ECONNRESET';
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** A request that got no response. The message names the cause but never the request. */
export function networkError(
	node: INode,
	code: string,
	itemIndex?: number,
	advice = 'Check the Base URL in the credential and your network, then retry.',
): NodeApiError {
	return new NodeApiError(
		node,
		{ status: 'error', code },
		{
			message: `Could not reach the Agentive Voice API (${code})`,
			description: advice,
			itemIndex,
		},
	);
}

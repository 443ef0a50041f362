import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** The details of the account rate-limit 429 (spec: "Rate limits"). */
const ACCOUNT_RATE_LIMIT_DETAILS = 'Too many requests. Please slow down and retry shortly.';

const normalise = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * A 429 for the account's request budget: not processed, so safe to wait and resend. Other details
 * mean the per-number verification-call limit, which must not be retried. A 429 without an
 * envelope (a gateway's) counts as the account limit.
 */
export function isAccountRateLimit(statusCode: number, body: unknown): boolean {
	if (statusCode !== 429) return false;
	const details = readDetails(body);
	return details === undefined || normalise(details) === normalise(ACCOUNT_RATE_LIMIT_DETAILS);
}

function adviceFor(statusCode: number, body: unknown): string {
	if (statusCode === 401 || statusCode === 403) {
		return 'Check the Publishable Key and Secret Key in the Agentive Voice credential, and that the account is active with API access enabled.';
	}
	if (statusCode === 429 && !isAccountRateLimit(statusCode, body)) {
		return 'This number has had too many verification calls in a short window. Wait several minutes before sending it another code; the node does not retry this.';
	}
	if (statusCode === 429)
		return 'Slow down: the API allows 120 requests per minute per account. Retry shortly.';
	if (statusCode === 404) return 'Check the id: it must belong to this account.';
	if (statusCode >= 500) return 'A temporary problem at Agentive Voice. Retry after a short pause.';
	return 'Check the fields of this item against the message above.';
}

export function readDetails(body: unknown): string | undefined {
	const details = body && typeof body === 'object' ? (body as { details?: unknown }).details : null;
	return typeof details === 'string' ? details : undefined;
}

/** Only the envelope's public fields are kept: the request's headers carry the secret. */
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
		description: adviceFor(statusCode, body),
		httpCode: String(statusCode),
		itemIndex,
	});
}

const NO_RESPONSE_IN_TIME = 'no response in time';
const UNRESOLVED = 'the host name could not be resolved';

/**
 * Network codes that mean "no usable response arrived", in words. Messages never name the raw
 * code: NodeApiError would replace them with n8n's generic text, which for a timeout recommends
 * "Retry On Fail", exactly what must not be used for call placement.
 */
const NETWORK_CODES: Record<string, string | undefined> = {
	ECONNRESET: undefined,
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: NO_RESPONSE_IN_TIME,
	ETIMEDOUT: NO_RESPONSE_IN_TIME,
	ESOCKETTIMEDOUT: NO_RESPONSE_IN_TIME,
	EPIPE: undefined,
	EAI_AGAIN: UNRESOLVED,
	ENOTFOUND: UNRESOLVED,
	ERR_SOCKET_CONNECTION_TIMEOUT: NO_RESPONSE_IN_TIME,
	EHOSTUNREACH: 'the host is unreachable',
};

export function networkCodeOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && Object.hasOwn(NETWORK_CODES, code)) return code;
		const message = (current as { message?: unknown }).message;
		if (typeof message === 'string') {
			if (/timeout/i.test(message)) return 'ETIMEDOUT';
			if (/socket hang up/i.test(message)) return 'ECONNRESET';
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

export function describeNetworkCode(code: string): string {
	return (
		(Object.hasOwn(NETWORK_CODES, code) ? NETWORK_CODES[code] : undefined) ??
		'the connection was dropped before a response arrived'
	);
}

/** The message names the cause but never the request. */
export function networkError(
	node: INode,
	code: string,
	itemIndex?: number,
	advice = 'Check the Base URL in the credential and your network, then retry.',
): NodeApiError {
	const message = `Could not reach the Agentive Voice API: ${describeNetworkCode(code)}`;
	return new NodeApiError(node, { kind: 'network' }, { message, description: advice, itemIndex });
}

function transportError(
	node: INode,
	kind: string,
	message: string,
	description: string,
	itemIndex: number | undefined,
	httpCode?: string,
): NodeApiError {
	return new NodeApiError(node, { kind }, { message, description, itemIndex, httpCode });
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;

export function rateLimitWaitExceeded(
	node: INode,
	waitedMs: number,
	neededMs: number,
	capMs: number,
	itemIndex?: number,
): NodeApiError {
	return transportError(
		node,
		'rate_limit_wait_exceeded',
		`Agentive Voice rate limit: the account's request budget is used up and the next window opens in ${seconds(neededMs)}, beyond the Max Rate-Limit Wait (${seconds(capMs)}, ${seconds(waitedMs)} already spent)`,
		'The API allows 120 requests per minute per account, shared by every workflow and system using it. Raise Options › Max Rate-Limit Wait, or run this batch when the account is less busy.',
		itemIndex,
		'429',
	);
}

export function unknownOutcomeNotRetried(
	node: INode,
	problem: string,
	path: string,
	itemIndex?: number,
): NodeApiError {
	let advice =
		'It was not retried automatically because repeating it may not be safe. Check the result before retrying.';
	if (path.startsWith('/otp/send')) {
		advice =
			'The code may already be on its way, so it was not sent again. Check the request with Get Call Status or wait for the call; sending again issues a fresh code and calls the number a second time.';
	} else if (path.startsWith('/otp/verify')) {
		advice =
			"It was not retried: every verify attempt counts against the request's attempt limit, even one whose answer was lost.";
	}
	const message = `No definite answer from Agentive Voice (${problem}); the request may have been processed`;
	return transportError(node, 'outcome_unknown', message, advice, itemIndex);
}

export function placementNotRetried(
	node: INode,
	problem: string,
	itemIndex?: number,
): NodeApiError {
	return transportError(
		node,
		'outcome_unknown',
		`No definite answer from Agentive Voice while placing the call (${problem}): the call may or may not have been placed`,
		'It was not retried, so the number is not called twice. Set a Reference ID (or turn on Options › Generate Reference ID If Empty): with one, the node looks the call up in List calls and retries only if it was not placed.',
		itemIndex,
	);
}

export function placementOutcomeUnknown(
	node: INode,
	problem: string,
	referenceId: string,
	itemIndex?: number,
): NodeApiError {
	return transportError(
		node,
		'outcome_unknown',
		`Call placement outcome unknown for reference_id "${referenceId}" (${problem})`,
		`The call may have been placed, and looking it up in List calls did not succeed. Check List calls (Call › Get Many) for reference_id "${referenceId}" before placing it again.`,
		itemIndex,
	);
}

export function placementFailed(
	node: INode,
	problem: string,
	referenceId: string,
	attempts: number,
	itemIndex?: number,
): NodeApiError {
	return transportError(
		node,
		'placement_failed',
		`Could not place the call with reference_id "${referenceId}" after ${attempts} attempts (last: ${problem})`,
		`List calls shows no call with reference_id "${referenceId}", so it was not placed as far as the API shows. Check List calls for it, then retry this item after a pause.`,
		itemIndex,
	);
}

export function downloadInterrupted(
	node: INode,
	reason: string,
	bytes: number,
	itemIndex?: number,
): NodeApiError {
	return transportError(
		node,
		'download_interrupted',
		`The download from Agentive Voice was interrupted after ${bytes} bytes: ${reason}`,
		'Nothing was saved for this item. Retry it; a slow connection may need a longer Options › Timeout (ms), which is the longest wait for the next data.',
		itemIndex,
	);
}

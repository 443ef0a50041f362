import { describeNetworkCode, readDetails } from './errors';
import type { AttemptResult } from './request';

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
export function unknownOutcomeOf(result: AttemptResult, expectsJson: boolean): UnknownOutcome | undefined {
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

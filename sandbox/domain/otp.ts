/**
 * Verification (OTP) requests. Every attempt on a live request is counted, a code verifies once,
 * and codes are compared in constant time.
 */
import { randomInt } from 'node:crypto';
import { secureEqual } from './secureCompare';

export interface OtpRequest {
	/** The request_id; also the unique_id and call_id of its verification call. */
	id: string;
	accountId: string;
	/** +91XXXXXXXXXX */
	number: string;
	code: string;
	/** The text "spoken" on the call. */
	message: string;
	createdAt: number;
	expiresAt: number;
	maxAttempts: number;
	attempts: number;
	verifiedAt: number | null;
	referenceId: string | null;
}

export type VerificationStatus = 'pending' | 'verified' | 'expired' | 'failed';

export type VerifyOutcome =
	| { kind: 'verified' }
	| { kind: 'incorrect'; attemptsLeft: number }
	| { kind: 'used' }
	| { kind: 'locked' }
	| { kind: 'expired' }
	/** The verification call never connected, so no code was delivered. */
	| { kind: 'call-failed' };

export const OTP_DEFAULTS = { length: 4, ttlSec: 600, maxAttempts: 3 } as const;

export function generateCode(length: number): string {
	return String(randomInt(0, 10 ** length)).padStart(length, '0');
}

/** "1 2 3 4": digit by digit. Default text reads the code twice, as documented. */
export function spokenMessage(code: string, template: string | undefined): string {
	const spaced = code.split('').join(' ');
	if (template === undefined) return `Your verification code is ${spaced}. Again, ${spaced}.`;
	return template.split('{code}').join(spaced);
}

export function verificationStatus(
	request: OtpRequest,
	now: number,
	callFailed: boolean,
): VerificationStatus {
	if (request.verifiedAt !== null) return 'verified';
	if (request.attempts >= request.maxAttempts || callFailed) return 'failed';
	if (now >= request.expiresAt) return 'expired';
	return 'pending';
}

/** Mutates the request: counts the attempt (only while the request can still be verified). */
export function attemptVerify(
	request: OtpRequest,
	code: string,
	now: number,
	callFailed: boolean,
): VerifyOutcome {
	if (request.verifiedAt !== null) return { kind: 'used' };
	if (request.attempts >= request.maxAttempts) return { kind: 'locked' };
	if (callFailed) return { kind: 'call-failed' };
	if (now >= request.expiresAt) return { kind: 'expired' };
	request.attempts += 1;
	if (secureEqual(code, request.code)) {
		request.verifiedAt = now;
		return { kind: 'verified' };
	}
	return { kind: 'incorrect', attemptsLeft: request.maxAttempts - request.attempts };
}

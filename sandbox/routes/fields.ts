/**
 * Request field validation shared by the route modules. null counts as "not sent" for optional
 * fields, since form-driven clients often send null for empty inputs.
 */
import { callerIdKey, INVALID_NUMBER, nationalDigits } from '../domain/numbers';
import { sanitiseReferenceId } from '../domain/referenceId';
import type { Account } from '../domain/store';
import { ApiError } from '../http/envelope';
import type { ApiRequest } from './types';

export const FIELD_MESSAGES = {
	type: 'type must be one of audio_blast, press1, otp.',
	audioRequired: 'audio_id is required for audio_blast and press1 calls.',
	audioType: 'audio_id must be a whole number.',
	audioUnknown: 'audio_id was not found in your audio library.',
	dtmfMap:
		'dtmf_map must map keypad digits (0-9, * or #) to one of connect_agent, callback, opt_out, repeat.',
	callerIdType: 'caller_id must be a string.',
	callerIdUnverified: 'caller_id must be a verified caller number on your account.',
	referenceId: 'reference_id must be a string.',
	otpCode: 'code must be 4 to 8 digits.',
	length: 'length must be a whole number from 4 to 8.',
	ttl: 'ttl must be a whole number of seconds from 1 to 86400.',
	maxAttempts: 'max_attempts must be a whole number from 1 to 10.',
	message: 'message must be a string of at most 500 characters containing the {code} token.',
} as const;

export function present(value: unknown): boolean {
	return value !== undefined && value !== null;
}

export function fail(req: ApiRequest, message: string, code = 400): never {
	throw new ApiError(code, message, { referenceId: req.referenceId });
}

/** Ten national digits of a documented number form, or 400. */
export function requireNumber(req: ApiRequest, value: unknown): string {
	const digits = nationalDigits(value);
	if (digits === null) fail(req, INVALID_NUMBER);
	return digits;
}

export function referenceIdField(req: ApiRequest): string | null {
	const result = sanitiseReferenceId(req.body.reference_id);
	if (!result.ok) fail(req, FIELD_MESSAGES.referenceId);
	return result.value;
}

/** A JSON integer within bounds, or the default when absent; strings are not coerced. */
export function integerField(
	req: ApiRequest,
	value: unknown,
	min: number,
	max: number,
	fallback: number,
	message: string,
): number {
	if (!present(value)) return fallback;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
		fail(req, message);
	return value;
}

export function audioField(req: ApiRequest, account: Account): number {
	const value = req.body.audio_id;
	if (!present(value)) fail(req, FIELD_MESSAGES.audioRequired);
	if (typeof value !== 'number' || !Number.isInteger(value)) fail(req, FIELD_MESSAGES.audioType);
	if (!account.audio.has(value)) fail(req, FIELD_MESSAGES.audioUnknown);
	return value;
}

/** The verified caller id as displayed; the account default when absent. */
export function callerIdField(req: ApiRequest, account: Account): string {
	const value = req.body.caller_id;
	if (!present(value)) return account.defaultCallerId;
	if (typeof value !== 'string') fail(req, FIELD_MESSAGES.callerIdType);
	const verified = account.callerIds.get(callerIdKey(value));
	if (verified === undefined) fail(req, FIELD_MESSAGES.callerIdUnverified);
	return verified;
}

export const DEFAULT_DTMF_MAP: Readonly<Record<string, string>> = { '1': 'connect_agent' };

/** The keypad actions the sandbox knows; the node offers the same set (docs/assumptions.md). */
export const DTMF_ACTIONS: ReadonlySet<string> = new Set([
	'connect_agent',
	'callback',
	'opt_out',
	'repeat',
]);

export function dtmfMapField(req: ApiRequest): Record<string, string> {
	const value = req.body.dtmf_map;
	if (!present(value)) return { ...DEFAULT_DTMF_MAP };
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		fail(req, FIELD_MESSAGES.dtmfMap);
	const entries = Object.entries(value);
	const valid =
		entries.length > 0 &&
		entries.every(
			([digit, action]) =>
				/^[0-9*#]$/.test(digit) && typeof action === 'string' && DTMF_ACTIONS.has(action),
		);
	if (!valid) fail(req, FIELD_MESSAGES.dtmfMap);
	return Object.fromEntries(entries) as Record<string, string>;
}

/** POST /otp/send and POST /otp/verify (POST /calls with type otp reuses sendVerification). */
import { attemptVerify, OTP_DEFAULTS, type OtpRequest, type VerifyOutcome } from '../domain/otp';
import { otpCallFailed, requestForNumber, sendOtp } from '../domain/verification';
import { INVALID_NUMBER, normaliseNumber } from '../domain/numbers';
import { sanitiseReferenceId } from '../domain/referenceId';
import { ApiError, envelope, MESSAGES } from '../http/envelope';
import { jsonResponse, type Outgoing } from '../http/response';
import {
	callerIdField,
	fail,
	FIELD_MESSAGES,
	integerField,
	present,
	referenceIdField,
	requireNumber,
} from './fields';
import type { ApiContext, ApiRequest, Route } from './types';

export const OTP_MESSAGES = {
	queued: 'Verification call queued.',
	verified: 'Code verified.',
	incorrect: 'Incorrect code.',
	expired: 'This code has expired.',
	locked: 'Too many incorrect attempts.',
	used: 'This code has already been used.',
	failed: 'Verification failed.',
	missing: 'A code and either request_id or number are required.',
} as const;

export function sendVerification(req: ApiRequest, ctx: ApiContext): Outgoing {
	const { account, body } = req;
	const nationalNumber = requireNumber(req, body.number);
	const code = present(body.code) ? codeField(req, body.code) : undefined;
	const length = integerField(req, body.length, 4, 8, OTP_DEFAULTS.length, FIELD_MESSAGES.length);
	const ttlSec = integerField(req, body.ttl, 1, 86_400, OTP_DEFAULTS.ttlSec, FIELD_MESSAGES.ttl);
	const maxAttempts = integerField(
		req,
		body.max_attempts,
		1,
		10,
		OTP_DEFAULTS.maxAttempts,
		FIELD_MESSAGES.maxAttempts,
	);
	const message = present(body.message) ? messageField(req, body.message) : undefined;
	const callerId = callerIdField(req, account);
	const referenceId = referenceIdField(req);
	if (
		ctx.otpLimiter &&
		!ctx.otpLimiter.hit(`${account.fixture.id}:+91${nationalNumber}`, req.now).allowed
	)
		fail(req, MESSAGES.otpNumberLimited, 429);
	const request = sendOtp(
		ctx.store,
		account,
		{ nationalNumber, code, length, ttlSec, maxAttempts, message, callerId, referenceId },
		req.now,
	);
	if (request === 'placement-error') fail(req, MESSAGES.placementFailed, 503);
	return jsonResponse(
		200,
		envelope(200, OTP_MESSAGES.queued, {
			uniqueId: request.id,
			referenceId,
			extras: { request_id: request.id, expires_in_sec: ttlSec },
		}),
	);
}

function codeField(req: ApiRequest, value: unknown): string {
	if (typeof value !== 'string' || !/^\d{4,8}$/.test(value)) fail(req, FIELD_MESSAGES.otpCode);
	return value;
}

function messageField(req: ApiRequest, value: unknown): string {
	if (typeof value !== 'string' || value.length > 500 || !value.includes('{code}'))
		fail(req, FIELD_MESSAGES.message);
	return value;
}

/** The verified field is always present, on errors too. */
function verify(req: ApiRequest, ctx: ApiContext): Outgoing {
	const { account, body, now } = req;
	const reject = (message: string): never => {
		throw new ApiError(400, message, { referenceId: req.referenceId, extras: { verified: false } });
	};
	const requestId =
		typeof body.request_id === 'string' && body.request_id !== '' ? body.request_id : undefined;
	if (
		typeof body.code !== 'string' ||
		body.code === '' ||
		(requestId === undefined && !present(body.number))
	)
		reject(OTP_MESSAGES.missing);
	const sentReference = sanitiseReferenceId(body.reference_id);
	if (!sentReference.ok) return reject(FIELD_MESSAGES.referenceId);
	let request: OtpRequest | undefined;
	if (requestId !== undefined) request = ctx.store.otp(account, requestId);
	else
		request = requestForNumber(
			account,
			normaliseNumber(body.number) ?? reject(INVALID_NUMBER),
			now,
		);
	if (!request) return verifyResponse(undefined, { kind: 'call-failed' }, sentReference.value);
	const outcome = attemptVerify(
		request,
		String(body.code),
		now,
		otpCallFailed(account, request, now),
	);
	return verifyResponse(request, outcome, sentReference.value ?? request.referenceId);
}

function verifyResponse(
	request: OtpRequest | undefined,
	outcome: VerifyOutcome,
	referenceId: string | null,
): Outgoing {
	const fields = { uniqueId: request?.id ?? null, referenceId };
	switch (outcome.kind) {
		case 'verified':
			return jsonResponse(
				200,
				envelope(200, OTP_MESSAGES.verified, {
					...fields,
					extras: { request_id: request?.id, verified: true },
				}),
			);
		case 'incorrect':
			return jsonResponse(
				401,
				envelope(401, OTP_MESSAGES.incorrect, {
					...fields,
					extras: { verified: false, attempts_left: outcome.attemptsLeft },
				}),
			);
		default:
			return jsonResponse(
				400,
				envelope(400, OTP_MESSAGES[outcome.kind === 'call-failed' ? 'failed' : outcome.kind], {
					...fields,
					extras: { verified: false },
				}),
			);
	}
}

export const otpRoutes: Route[] = [
	{ method: 'POST', pattern: '/otp/send', handler: sendVerification },
	{ method: 'POST', pattern: '/otp/verify', handler: verify },
];

/** POST /calls, GET /calls, GET /calls/:unique_id. */
import { placeCall } from '../domain/calls';
import type { CallQuery } from '../domain/callBook';
import { toPublicCall, type CallType } from '../domain/callRecord';
import { durationAt, isListStatus, statusAt, toCallStatus } from '../domain/lifecycle';
import { INVALID_NUMBER, normaliseNumber } from '../domain/numbers';
import { verificationStatus } from '../domain/otp';
import { parseIsoInstant } from '../domain/time';
import { otpCallFailed } from '../domain/verification';
import { envelope, MESSAGES } from '../http/envelope';
import { jsonResponse, type Outgoing } from '../http/response';
import {
	audioField,
	callerIdField,
	dtmfMapField,
	fail,
	FIELD_MESSAGES,
	referenceIdField,
	requireNumber,
} from './fields';
import { sendVerification } from './otp';
import type { ApiContext, ApiRequest, Route } from './types';

export const CALL_MESSAGES = {
	queued: 'Call queued.',
	listed: 'Calls retrieved.',
	callNotFound: 'Call not found.',
	page: 'page must be a whole number >= 1.',
	perPage: 'per_page must be a whole number >= 1 (the maximum is 100).',
	direction: 'direction must be inbound or outbound.',
	status: 'status must be one of queued, ringing, in_progress, completed, failed, missed.',
	from: 'from must be an ISO 8601 date or timestamp.',
	to: 'to must be an ISO 8601 date or timestamp.',
} as const;

export const PER_PAGE = { default: 50, max: 100 } as const;

const CALL_TYPES: readonly string[] = ['audio_blast', 'press1', 'otp'];

function place(req: ApiRequest, ctx: ApiContext): Outgoing {
	const { body, account } = req;
	if (typeof body.type !== 'string' || !CALL_TYPES.includes(body.type))
		fail(req, FIELD_MESSAGES.type);
	const type = body.type as CallType;
	if (type === 'otp') return sendVerification(req, ctx);
	const nationalNumber = requireNumber(req, body.number);
	const audioId = audioField(req, account);
	const dtmfMap = type === 'press1' ? dtmfMapField(req) : null;
	const callerId = callerIdField(req, account);
	const referenceId = referenceIdField(req);
	const call = placeCall(
		ctx.store,
		account,
		{ type, nationalNumber, audioId, dtmfMap, callerId, referenceId, savedCampaignId: null },
		req.now,
	);
	if (call === 'placement-error') fail(req, MESSAGES.placementFailed, 503);
	return jsonResponse(
		200,
		envelope(200, CALL_MESSAGES.queued, { uniqueId: call.uniqueId, referenceId }),
	);
}

/** A verification request id answers with the verification shape; anything else is looked up as a call (unique_id or call_id). */
function status(req: ApiRequest, ctx: ApiContext): Outgoing {
	const { account, now } = req;
	const id = req.params.unique_id;
	const request = ctx.store.otp(account, id);
	if (request) {
		const value = verificationStatus(request, now, otpCallFailed(account, request, now));
		return jsonResponse(
			200,
			envelope(200, value, {
				uniqueId: request.id,
				referenceId: request.referenceId,
				extras: {
					call_status: value,
					verified: value === 'verified',
					attempts: request.attempts,
					max_attempts: request.maxAttempts,
				},
			}),
		);
	}
	const call = account.calls.get(id);
	if (!call) fail(req, id.startsWith('run_') ? CALL_MESSAGES.callNotFound : MESSAGES.notFound, 404);
	const value = toCallStatus(statusAt(call.timeline, now));
	return jsonResponse(
		200,
		envelope(200, value, {
			uniqueId: call.uniqueId,
			referenceId: call.referenceId,
			extras: { call_status: value, duration_sec: durationAt(call.timeline, now) },
		}),
	);
}

function list(req: ApiRequest): Outgoing {
	const { query, account, now } = req;
	const page = positiveInt(req, query.page, 1, CALL_MESSAGES.page);
	const perPage = Math.min(
		PER_PAGE.max,
		positiveInt(req, query.per_page, PER_PAGE.default, CALL_MESSAGES.perPage),
	);
	const result = account.calls.list(callQuery(req), now, (page - 1) * perPage, perPage);
	return jsonResponse(
		200,
		envelope(200, CALL_MESSAGES.listed, {
			referenceId: req.referenceId,
			extras: {
				data: result.items.map((call) => toPublicCall(call, now)),
				pagination: {
					page,
					per_page: perPage,
					total: result.total,
					total_pages: Math.ceil(result.total / perPage),
				},
			},
		}),
	);
}

/** Empty query values count as absent. */
function callQuery(req: ApiRequest): CallQuery {
	const { direction, status, from, to, number } = req.query;
	const query: CallQuery = {};
	if (direction) {
		if (direction !== 'inbound' && direction !== 'outbound') fail(req, CALL_MESSAGES.direction);
		query.direction = direction;
	}
	if (status) {
		if (!isListStatus(status)) fail(req, CALL_MESSAGES.status);
		query.status = status;
	}
	if (from) query.fromMs = parseIsoInstant(from) ?? fail(req, CALL_MESSAGES.from);
	if (to) query.toMs = parseIsoInstant(to) ?? fail(req, CALL_MESSAGES.to);
	if (number) query.number = normaliseNumber(number) ?? fail(req, INVALID_NUMBER);
	return query;
}

function positiveInt(
	req: ApiRequest,
	value: string | undefined,
	fallback: number,
	message: string,
): number {
	if (!value) return fallback;
	if (!/^\d{1,9}$/.test(value) || Number(value) < 1) fail(req, message);
	return Number(value);
}

export const callRoutes: Route[] = [
	{ method: 'POST', pattern: '/calls', handler: place },
	{ method: 'GET', pattern: '/calls', handler: list },
	{ method: 'GET', pattern: '/calls/:unique_id', handler: status },
];

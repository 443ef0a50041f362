/**
 * /__sandbox/ routes: inspect and steer the simulator over HTTP (no auth, same origin). Success
 * bodies are plain JSON objects; errors use the API envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxCore } from './core';
import { INVALID_NUMBER, normaliseNumber } from './domain/numbers';
import { verificationStatus, type OtpRequest } from './domain/otp';
import {
	MAX_SCRIPT_LENGTH,
	SCRIPTED_OUTCOMES,
	isScriptedOutcome,
	type ScriptedOutcome,
} from './domain/outcomeScripts';
import { SeedError } from './domain/seed';
import { formatIst } from './domain/time';
import { otpCallFailed } from './domain/verification';
import { FaultError } from './faults';
import { ACCOUNTS, DEMO, MAGIC_NUMBERS } from './fixtures';
import { isPlainObject, parseJsonBody, readBody } from './http/body';
import { envelope } from './http/envelope';
import { errorResponse, jsonResponse, write, type Outgoing } from './http/response';
import type { FaultSpec, SeedCallSpec } from './types';

class ControlError extends Error {
	constructor(
		readonly code: number,
		message: string,
	) {
		super(message);
	}
}

export const CONTROL_ROUTES = [
	'GET /__sandbox/fixtures',
	'GET /__sandbox/otp/:request_id',
	'GET /__sandbox/otp?number=9812345678 | 919812345678 | +919812345678',
	'GET /__sandbox/clock',
	'POST /__sandbox/clock/advance {"ms": N}',
	'GET /__sandbox/faults',
	'POST /__sandbox/faults {"kind", "method"?, "path"?, "path_regex"?, "number"?, "count"?}',
	'DELETE /__sandbox/faults',
	'GET /__sandbox/calls',
	'POST /__sandbox/calls/seed {"count": N} | {"calls": [...]} | [...]',
	'POST /__sandbox/reset',
	'GET /__sandbox/log',
	'DELETE /__sandbox/log',
	'GET /__sandbox/outcomes',
	'POST /__sandbox/outcomes {"number", "outcomes": ["no_answer", "answered", …]}',
	'DELETE /__sandbox/outcomes',
];

export async function handleControl(
	core: SandboxCore,
	req: IncomingMessage,
	res: ServerResponse,
	path: string,
): Promise<void> {
	const body = await readBody(req);
	let out: Outgoing;
	try {
		if (body.tooLarge)
			throw new ControlError(413, 'The request body is too large. The limit is 1 MB.');
		const parsed = parseJsonBody(body.raw);
		if (parsed.kind === 'invalid')
			throw new ControlError(400, 'The request body is not valid JSON.');
		out = route(
			core,
			(req.method ?? 'GET').toUpperCase(),
			path.replace(/\/$/, '') || '/',
			parsed.kind === 'json' ? parsed.value : undefined,
			req.url ?? '',
		);
	} catch (error) {
		if (error instanceof ControlError) out = errorResponse(error.code, error.message);
		else if (error instanceof SeedError || error instanceof FaultError)
			out = errorResponse(400, error.message);
		else out = errorResponse(500, 'Something went wrong on our side. Please retry.');
	}
	write(res, out);
	if (body.aborted) res.on('finish', () => req.socket.destroy());
}

function route(
	core: SandboxCore,
	method: string,
	path: string,
	body: unknown,
	url: string,
): Outgoing {
	const key = `${method} ${path}`;
	switch (key) {
		case 'GET /':
			return jsonResponse(200, { routes: CONTROL_ROUTES });
		case 'GET /fixtures':
			return jsonResponse(200, fixtures());
		case 'GET /clock':
			return jsonResponse(200, clockState(core));
		case 'POST /clock/advance':
			return advance(core, body);
		case 'GET /faults':
			return jsonResponse(200, { data: core.pendingFaults() });
		case 'POST /faults':
			core.injectFault(faultSpec(body));
			return jsonResponse(200, { data: core.pendingFaults() });
		case 'DELETE /faults':
			core.clearFaults();
			return jsonResponse(200, { data: [] });
		case 'GET /calls':
			return jsonResponse(200, { data: core.calls() });
		case 'POST /calls/seed': {
			const data = core.seedCalls(seedSpecs(body));
			return jsonResponse(200, { count: data.length, data });
		}
		case 'POST /reset':
			core.reset();
			return jsonResponse(200, { reset: true, ...clockState(core) });
		case 'GET /otp':
			return otpForNumber(core, queryParam(url, 'number'));
		case 'GET /log':
			return jsonResponse(200, { data: core.requestLog() });
		case 'DELETE /log':
			core.clearLog();
			return jsonResponse(200, { data: [] });
		case 'GET /outcomes':
			return jsonResponse(200, { data: core.outcomeScripts() });
		case 'POST /outcomes': {
			const { number, outcomes } = outcomeScript(body);
			core.scriptOutcomes(number, outcomes);
			return jsonResponse(200, { data: core.outcomeScripts() });
		}
		case 'DELETE /outcomes':
			core.clearOutcomeScripts();
			return jsonResponse(200, { data: [] });
	}
	const otp = /^\/otp\/([^/]+)$/.exec(path);
	if (method === 'GET' && otp) return otpState(core, decode(otp[1]));
	throw new ControlError(404, 'Not found.');
}

function clockState(core: SandboxCore): Record<string, unknown> {
	const now = core.now();
	return { now, iso: formatIst(now), mode: core.clock.mode, speed: core.clock.speed };
}

function advance(core: SandboxCore, body: unknown): Outgoing {
	const ms = isPlainObject(body) ? body.ms : undefined;
	if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
		throw new ControlError(400, 'ms must be a number >= 0.');
	core.advanceClock(ms);
	return jsonResponse(200, clockState(core));
}

function faultSpec(body: unknown): FaultSpec {
	if (!isPlainObject(body))
		throw new ControlError(
			400,
			'Send a JSON object: {"kind", "method"?, "path"?, "path_regex"?, "count"?}.',
		);
	const spec = { ...body } as Record<string, unknown>;
	if (spec.path_regex !== undefined) spec.pathRegex = spec.path_regex;
	delete spec.path_regex;
	return spec as unknown as FaultSpec;
}

function outcomeScript(body: unknown): { number: string; outcomes: ScriptedOutcome[] } {
	const choices = SCRIPTED_OUTCOMES.join(', ');
	if (!isPlainObject(body))
		throw new ControlError(
			400,
			`Send a JSON object: {"number": "9812345678", "outcomes": [one or more of ${choices}]}.`,
		);
	if (normaliseNumber(body.number) === null)
		throw new ControlError(
			400,
			`number: ${INVALID_NUMBER} Use 9812345678, 919812345678 or +919812345678.`,
		);
	const outcomes = body.outcomes;
	if (!Array.isArray(outcomes) || outcomes.length > MAX_SCRIPT_LENGTH)
		throw new ControlError(
			400,
			`outcomes must be a list of at most ${MAX_SCRIPT_LENGTH} outcomes, each one of ${choices}.`,
		);
	const wrong = outcomes.findIndex((outcome) => !isScriptedOutcome(outcome));
	if (wrong !== -1)
		throw new ControlError(
			400,
			`outcomes[${wrong}]: ${JSON.stringify(outcomes[wrong])} is not one of ${choices}.`,
		);
	return { number: body.number as string, outcomes: outcomes as ScriptedOutcome[] };
}

function seedSpecs(body: unknown): number | SeedCallSpec[] {
	if (Array.isArray(body)) return body as SeedCallSpec[];
	if (isPlainObject(body) && Array.isArray(body.calls)) return body.calls as SeedCallSpec[];
	if (isPlainObject(body) && typeof body.count === 'number') return body.count;
	throw new ControlError(400, 'Send {"count": N}, {"calls": [...]} or an array of call specs.');
}

function otpState(core: SandboxCore, id: string | undefined): Outgoing {
	const request = id === undefined ? undefined : core.store.otpById(id);
	if (!request) return jsonResponse(404, envelope(404, 'Verification request not found.'));
	return otpReply(core, request);
}

/**
 * The newest verification request sent to a number, from any account: the latest created_at on the
 * sandbox clock; on a tie (a manual clock does not move between sends) the one sent last.
 */
function otpForNumber(core: SandboxCore, raw: string | undefined): Outgoing {
	if (raw === undefined || raw === '')
		throw new ControlError(
			400,
			'number is required: GET /__sandbox/otp?number=9812345678 (or 919812345678, +919812345678).',
		);
	const number = normaliseNumber(raw);
	if (number === null)
		throw new ControlError(
			400,
			`number: ${INVALID_NUMBER} Use 9812345678, 919812345678 or +919812345678.`,
		);
	let newest: { request: OtpRequest; seq: number } | undefined;
	for (const fixture of ACCOUNTS) {
		const account = core.store.accountById(fixture.id);
		if (!account) continue;
		for (const request of account.otpByNumber.get(number) ?? []) {
			const seq = account.calls.get(request.id)?.seq ?? -1;
			if (
				!newest ||
				request.createdAt > newest.request.createdAt ||
				(request.createdAt === newest.request.createdAt && seq > newest.seq)
			)
				newest = { request, seq };
		}
	}
	if (!newest)
		return jsonResponse(
			404,
			envelope(404, `No verification request has been sent to ${number} yet.`),
		);
	return otpReply(core, newest.request);
}

function otpReply(core: SandboxCore, request: OtpRequest): Outgoing {
	const account = core.store.accountById(request.accountId);
	if (!account) return jsonResponse(404, envelope(404, 'Verification request not found.'));
	const now = core.now();
	return jsonResponse(200, {
		request_id: request.id,
		number: request.number,
		code: request.code,
		message: request.message,
		status: verificationStatus(request, now, otpCallFailed(account, request, now)),
		attempts: request.attempts,
		max_attempts: request.maxAttempts,
		expires_at: formatIst(request.expiresAt),
	});
}

function fixtures(): Record<string, unknown> {
	return {
		accounts: ACCOUNTS.map((a) => ({
			id: a.id,
			name: a.name,
			api_key: a.apiKey,
			api_secret: a.apiSecret,
			active: a.active,
			api_enabled: a.apiEnabled,
		})),
		demo: DEMO,
		magic_numbers: MAGIC_NUMBERS,
	};
}

/** One query parameter, percent-decoded but with "+" kept literal, so ?number=+919812345678 works as typed. */
function queryParam(url: string, name: string): string | undefined {
	const mark = url.indexOf('?');
	if (mark === -1) return undefined;
	for (const pair of url.slice(mark + 1).split('&')) {
		const eq = pair.indexOf('=');
		if ((eq === -1 ? pair : pair.slice(0, eq)) === name)
			return eq === -1 ? '' : (decode(pair.slice(eq + 1)) ?? pair.slice(eq + 1));
	}
	return undefined;
}

function decode(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}

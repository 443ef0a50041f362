/**
 * HTTP wiring only: read and parse the request, log it, fire faults, authenticate, rate-limit,
 * route, and wrap every outcome in the envelope. Domain rules live in domain/ and routes/.
 */
import {
	createServer,
	STATUS_CODES,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { handleControl } from './control';
import type { SandboxCore } from './core';
import { echoReferenceId } from './domain/referenceId';
import { applyFault, resetSocket } from './faults';
import { authenticate } from './http/auth';
import { isPlainObject, parseJsonBody, readBody, type ParsedBody } from './http/body';
import { ApiError, envelope, MESSAGES } from './http/envelope';
import { errorResponse, write, type Outgoing } from './http/response';
import { matchRoute } from './http/router';
import { API_ROUTES } from './routes';

export const API_BASE = '/api/public/v1';
export const CONTROL_PREFIX = '/__sandbox';

export interface SandboxServer {
	server: Server;
	/** Stops listening and destroys every open socket (keep-alive, hanging), so it returns promptly. */
	close(): Promise<void>;
}

interface RequestLine {
	method: string;
	rawUrl: string;
	pathname: string;
	query: Record<string, string>;
}

export function createSandboxServer(core: SandboxCore): SandboxServer {
	const sockets = new Set<Socket>();
	const server = createServer((req, res) => {
		handle(core, req, res).catch(() => {
			if (!res.headersSent && !res.destroyed) write(res, errorResponse(500, MESSAGES.internal));
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('clientError', answerUnparseable);
	return {
		server,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
				server.closeAllConnections();
			}),
	};
}

async function handle(core: SandboxCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const at = core.clock.now();
	const line = requestLine(req);
	if (line.pathname === CONTROL_PREFIX || line.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
		await handleControl(core, req, res, line.pathname.slice(CONTROL_PREFIX.length) || '/');
		return;
	}
	const body = await readBody(req);
	const apiPath =
		line.pathname === API_BASE || line.pathname.startsWith(`${API_BASE}/`)
			? line.pathname.slice(API_BASE.length) || '/'
			: null;
	const parsed: ParsedBody = body.tooLarge ? { kind: 'empty' } : parseJsonBody(body.raw);
	const entry = core.log.add({
		method: line.method,
		path: apiPath ?? line.pathname,
		url: line.rawUrl,
		query: line.query,
		headers: flattenHeaders(req),
		body: parsed.kind === 'json' ? parsed.value : undefined,
		rawBody: body.raw,
		status: 0,
		at,
	});
	const fault = core.faults.take(
		line.method,
		apiPath ?? line.pathname,
		parsed.kind === 'json' ? parsed.value : undefined,
	);
	if (fault !== undefined && fault !== 'drop-response') {
		entry.status = applyFault(fault, res);
		return;
	}
	let out: Outgoing;
	if (body.tooLarge) out = errorResponse(413, MESSAGES.tooLarge, {}, { Connection: 'close' });
	else if (apiPath === null) out = errorResponse(404, MESSAGES.notFound);
	else out = respond(core, req, line, apiPath, parsed, at);
	entry.status = out.status;
	// The Date header tells the API's own time, as created_at does (clients may compare the two).
	out = { ...out, headers: { Date: new Date(core.clock.now()).toUTCString(), ...out.headers } };
	if (fault === 'drop-response') resetSocket(res);
	else write(res, out);
	if (body.aborted) res.on('finish', () => req.socket.destroy());
}

/** Everything under the API base: JSON check, auth, rate limit, route. */
function respond(
	core: SandboxCore,
	req: IncomingMessage,
	line: RequestLine,
	apiPath: string,
	parsed: ParsedBody,
	now: number,
): Outgoing {
	if (parsed.kind === 'invalid') return errorResponse(400, MESSAGES.invalidJson);
	const body = parsed.kind === 'json' ? parsed.value : undefined;
	const referenceId = echoReferenceId(
		isPlainObject(body) && 'reference_id' in body ? body.reference_id : line.query.reference_id,
	);
	let rateHeaders: Record<string, string> = {};
	try {
		const account = authenticate(core.store, req.headers, body, referenceId);
		if (core.limiter) {
			const window = core.limiter.hit(account.fixture.id, now);
			rateHeaders = {
				'RateLimit-Limit': String(window.limit),
				'RateLimit-Remaining': String(window.remaining),
				'RateLimit-Reset': String(window.resetSec),
			};
			if (!window.allowed)
				return errorResponse(429, MESSAGES.rateLimited, { referenceId }, rateHeaders);
		}
		const match = matchRoute(API_ROUTES, line.method, apiPath);
		if (!match) return errorResponse(404, MESSAGES.notFound, { referenceId }, rateHeaders);
		if (match.route.method === 'POST' && body !== undefined && !isPlainObject(body))
			return errorResponse(400, MESSAGES.notAnObject, { referenceId }, rateHeaders);
		const out = match.route.handler(
			{
				params: match.params,
				query: line.query,
				body: isPlainObject(body) ? body : {},
				headers: req.headers,
				account,
				referenceId,
				now,
			},
			core.api,
		);
		return { ...out, headers: { ...out.headers, ...rateHeaders } };
	} catch (error) {
		if (error instanceof ApiError)
			return errorResponse(
				error.code,
				error.details,
				{ referenceId, ...error.fields },
				{ ...rateHeaders, ...error.headers },
			);
		return errorResponse(500, MESSAGES.internal, { referenceId }, rateHeaders);
	}
}

/** Split by hand (not `new URL`) so a path like //host/x stays a path. Repeated query keys: the first wins. */
function requestLine(req: IncomingMessage): RequestLine {
	const rawUrl = req.url ?? '/';
	const mark = rawUrl.indexOf('?');
	const pathname = mark === -1 ? rawUrl : rawUrl.slice(0, mark);
	const query: Record<string, string> = {};
	if (mark !== -1) {
		for (const [key, value] of new URLSearchParams(rawUrl.slice(mark + 1)))
			if (!(key in query)) query[key] = value;
	}
	return { method: (req.method ?? 'GET').toUpperCase(), rawUrl, pathname, query };
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers))
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	return headers;
}

/** Requests Node cannot parse (unknown methods, oversized headers, bad framing) still get an enveloped 4xx. */
function answerUnparseable(error: Error & { code?: string }, socket: Socket): void {
	if (!socket.writable || error.code === 'ECONNRESET') {
		socket.destroy();
		return;
	}
	const status =
		error.code === 'HPE_HEADER_OVERFLOW'
			? 431
			: error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
				? 408
				: 400;
	const details = status === 431 ? MESSAGES.headersTooLarge : MESSAGES.badRequest;
	const body = JSON.stringify(envelope(status, details));
	socket.end(
		`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
	);
}

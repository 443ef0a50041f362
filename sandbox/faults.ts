/**
 * Fault injection: armed faults fire on the next N matching API requests, before any processing
 * (so they do not count against rate limits), except drop-response, which lets the request run in
 * full (a call is really placed) and then destroys the socket instead of answering.
 *
 * A fault with `number` matches only requests (POST unless `method` says otherwise) whose JSON body
 * has a `number` that is the same recipient, in any of the three documented forms: one customer's
 * placement can fail while the rest of a batch goes through.
 */
import type { ServerResponse } from 'node:http';
import { nationalDigits } from './domain/numbers';
import { isPlainObject } from './http/body';
import { MESSAGES } from './http/envelope';
import { errorResponse, write } from './http/response';
import type { FaultKind, FaultSpec } from './types';

export const FAULT_KINDS: readonly FaultKind[] = [
	'status500',
	'status503',
	'reset',
	'hang',
	'html',
	'drop-response',
];

export class FaultError extends Error {}

interface ArmedFault {
	spec: FaultSpec;
	remaining: number;
	regex: RegExp | undefined;
	/** National digits of `spec.number`, when given. */
	digits: string | undefined;
}

export class FaultBook {
	private armed: ArmedFault[] = [];

	/** Validates and arms a fault; throws FaultError on a bad spec. */
	add(spec: FaultSpec): void {
		if (typeof spec !== 'object' || spec === null || !FAULT_KINDS.includes(spec.kind))
			throw new FaultError(`kind must be one of ${FAULT_KINDS.join(', ')}.`);
		const count = spec.count ?? 1;
		if (!Number.isInteger(count) || count < 1)
			throw new FaultError('count must be a whole number >= 1.');
		if (spec.method !== undefined && (typeof spec.method !== 'string' || spec.method === ''))
			throw new FaultError('method must be an HTTP method name.');
		if (spec.path !== undefined && typeof spec.path !== 'string')
			throw new FaultError('path must be a string (a prefix of the path after the API base).');
		let regex: RegExp | undefined;
		if (spec.pathRegex !== undefined) {
			try {
				regex = new RegExp(spec.pathRegex);
			} catch {
				throw new FaultError('pathRegex must be a valid regular expression.');
			}
		}
		let digits: string | undefined;
		if (spec.number !== undefined) {
			digits = nationalDigits(spec.number) ?? undefined;
			if (digits === undefined)
				throw new FaultError(
					'number must be an Indian mobile number: 9812345678, 919812345678 or +919812345678.',
				);
		}
		const method = spec.method?.toUpperCase() ?? (digits !== undefined ? 'POST' : undefined);
		this.armed.push({
			spec: { ...spec, ...(method ? { method } : {}), count },
			remaining: count,
			regex,
			digits,
		});
	}

	clear(): void {
		this.armed = [];
	}

	pending(): FaultSpec[] {
		return this.armed.map((fault) => ({ ...fault.spec, count: fault.remaining }));
	}

	/** The first armed fault matching this request (`body`: its parsed JSON, if any), consuming one of its uses. */
	take(method: string, path: string, body?: unknown): FaultKind | undefined {
		const index = this.armed.findIndex(
			({ spec, regex, digits }) =>
				(spec.method === undefined || spec.method === method) &&
				(spec.path === undefined || path.startsWith(spec.path)) &&
				(regex === undefined || regex.test(path)) &&
				(digits === undefined || (isPlainObject(body) && nationalDigits(body.number) === digits)),
		);
		if (index === -1) return undefined;
		const fault = this.armed[index];
		fault.remaining -= 1;
		if (fault.remaining === 0) this.armed.splice(index, 1);
		return fault.spec.kind;
	}
}

const HTML_502 =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Acts out a pre-processing fault; returns the status written (0 when nothing is). */
export function applyFault(kind: Exclude<FaultKind, 'drop-response'>, res: ServerResponse): number {
	switch (kind) {
		case 'status500':
			write(res, errorResponse(500, MESSAGES.internal));
			return 500;
		case 'status503':
			write(res, errorResponse(503, MESSAGES.unavailable));
			return 503;
		case 'html':
			write(res, {
				status: 502,
				headers: { 'Content-Type': 'text/html' },
				body: Buffer.from(HTML_502),
			});
			return 502;
		case 'reset':
			resetSocket(res);
			return 0;
		case 'hang':
			// Never answer; the client's timeout (or close()) ends it.
			return 0;
	}
}

/** A TCP RST where the platform allows it, so the client sees ECONNRESET rather than a clean close. */
export function resetSocket(res: ServerResponse): void {
	const socket = res.socket;
	if (!socket) return;
	if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
	else socket.destroy();
}

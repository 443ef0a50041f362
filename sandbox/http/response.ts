/** What a handler produces, before it is written to the socket (or dropped, for the drop-response fault). */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { envelope, type EnvelopeFields } from './envelope';

export interface Outgoing {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
	/** A body too large to hold: sent instead of `body`, generated as it is read. */
	stream?: { length: number; open(): Readable };
}

export function jsonResponse(
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): Outgoing {
	return {
		status,
		headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
		body: Buffer.from(JSON.stringify(body)),
	};
}

export function errorResponse(
	code: number,
	details: string,
	fields: EnvelopeFields = {},
	headers: Record<string, string> = {},
): Outgoing {
	return jsonResponse(code, envelope(code, details, fields), headers);
}

export function write(res: ServerResponse, out: Outgoing): void {
	if (out.stream) {
		res.writeHead(out.status, { ...out.headers, 'Content-Length': String(out.stream.length) });
		const body = out.stream.open();
		res.once('close', () => body.destroy());
		body.pipe(res);
		return;
	}
	res.writeHead(out.status, { ...out.headers, 'Content-Length': String(out.body.length) });
	res.end(out.body);
}

/** What a handler produces, before it is written to the socket (or dropped, for the drop-response fault). */
import type { ServerResponse } from 'node:http';
import { envelope, type EnvelopeFields } from './envelope';

export interface Outgoing {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Outgoing {
	return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: Buffer.from(JSON.stringify(body)) };
}

export function errorResponse(code: number, details: string, fields: EnvelopeFields = {}, headers: Record<string, string> = {}): Outgoing {
	return jsonResponse(code, envelope(code, details, fields), headers);
}

export function write(res: ServerResponse, out: Outgoing): void {
	res.writeHead(out.status, { ...out.headers, 'Content-Length': String(out.body.length) });
	res.end(out.body);
}

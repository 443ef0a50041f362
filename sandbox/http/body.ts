/** Reads a request body with a cap. Oversized bodies are drained (up to a hard limit) so the client reliably reads our 413. */
import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Past this we stop draining and drop the connection. */
const DRAIN_LIMIT_BYTES = 32 * 1024 * 1024;

export interface ReadBody {
	raw: string;
	tooLarge: boolean;
	/** The client sent more than the drain limit; the connection should be closed. */
	aborted: boolean;
}

export function readBody(req: IncomingMessage, max = MAX_BODY_BYTES): Promise<ReadBody> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		const finish = (result: ReadBody) => {
			if (settled) return;
			settled = true;
			resolve(result);
		};
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= max) chunks.push(chunk);
			else if (size > DRAIN_LIMIT_BYTES) {
				req.pause();
				finish({ raw: '', tooLarge: true, aborted: true });
			}
		});
		req.on('end', () =>
			finish(
				size > max
					? { raw: '', tooLarge: true, aborted: false }
					: { raw: Buffer.concat(chunks).toString('utf8'), tooLarge: false, aborted: false },
			),
		);
		req.on('error', () => finish({ raw: '', tooLarge: size > max, aborted: true }));
		req.on('close', () =>
			finish({ raw: Buffer.concat(chunks).toString('utf8'), tooLarge: size > max, aborted: true }),
		);
	});
}

export type ParsedBody = { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'invalid' };

export function parseJsonBody(raw: string): ParsedBody {
	if (raw.trim() === '') return { kind: 'empty' };
	try {
		return { kind: 'json', value: JSON.parse(raw) as unknown };
	} catch {
		return { kind: 'invalid' };
	}
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Real-HTTP helpers for the sandbox tests. */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { RunningSandbox } from '../../sandbox';

export { useSandbox } from '../harness/sandbox';

export interface Reply {
	status: number;
	headers: IncomingHttpHeaders;
	raw: Buffer;
	/** Parsed JSON body (undefined when the body is not JSON). */
	json: Record<string, unknown>;
}

export interface SendOptions {
	headers?: Record<string, string>;
	/** Objects are JSON-encoded; strings and Buffers are sent as they are. */
	body?: unknown;
	/** Send the demo credentials as x-api-key / x-api-secret (default true). */
	auth?: boolean | { key: string; secret?: string };
	agent?: Agent | false;
	timeoutMs?: number;
}

const keepAlive = new Agent({ keepAlive: true });

export function credentialHeaders(
	sandbox: RunningSandbox,
	auth: SendOptions['auth'] = true,
): Record<string, string> {
	if (auth === false) return {};
	if (auth === true) return { 'x-api-key': sandbox.apiKey, 'x-api-secret': sandbox.apiSecret };
	return auth.secret === undefined
		? { 'x-api-key': auth.key }
		: { 'x-api-key': auth.key, 'x-api-secret': auth.secret };
}

/** `path` is relative to the API base unless it starts with /__sandbox or is absolute (http…). */
export function send(
	sandbox: RunningSandbox,
	method: string,
	path: string,
	options: SendOptions = {},
): Promise<Reply> {
	const url = path.startsWith('http')
		? path
		: path.startsWith('/__sandbox') || path.startsWith('//')
			? sandbox.origin + path
			: sandbox.url + path;
	const payload =
		options.body === undefined
			? undefined
			: Buffer.isBuffer(options.body)
				? options.body
				: Buffer.from(
						typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
					);
	const headers: Record<string, string> = {
		...(payload
			? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) }
			: {}),
		...(path.startsWith('/__sandbox') ? {} : credentialHeaders(sandbox, options.auth)),
		...options.headers,
	};
	return new Promise((resolve, reject) => {
		const req = httpRequest(
			url,
			{ method, headers, agent: options.agent ?? keepAlive, timeout: options.timeoutMs ?? 10_000 },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const raw = Buffer.concat(chunks);
					let json: Record<string, unknown> = {};
					try {
						if (
							raw.length > 0 &&
							String(res.headers['content-type']).startsWith('application/json')
						)
							json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
					} catch (error) {
						reject(error as Error);
						return;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, json });
				});
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error('client timeout')));
		req.on('error', reject);
		req.end(payload);
	});
}

export const get = (sandbox: RunningSandbox, path: string, options?: SendOptions) =>
	send(sandbox, 'GET', path, options);
export const post = (sandbox: RunningSandbox, path: string, body: unknown, options?: SendOptions) =>
	send(sandbox, 'POST', path, { ...options, body });

/** Sends `text` as it is over a raw socket to 127.0.0.1:`port` and resolves with all it gets back. */
export function rawExchange(port: number, text: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = connect(port, '127.0.0.1', () => socket.write(text));
		let data = '';
		socket.on('data', (chunk) => (data += chunk.toString('latin1')));
		socket.on('end', () => resolve(data));
		socket.on('error', reject);
		socket.setTimeout(5_000, () => socket.destroy(new Error('raw timeout')));
	});
}

export const ENVELOPE_KEYS = ['status', 'code', 'unique_id', 'reference_id', 'details'];

/** Asserts the standard error envelope and returns its details text. */
export function expectError(reply: Reply, code: number, details?: string): void {
	expect(reply.status).toBe(code);
	expect(reply.headers['content-type']).toMatch(/^application\/json/);
	expect(reply.json).toMatchObject({ status: 'error', code });
	for (const key of ENVELOPE_KEYS) expect(reply.json).toHaveProperty(key);
	expect(typeof reply.json.details).toBe('string');
	if (details !== undefined) expect(reply.json.details).toBe(details);
}

export function expectSuccess(reply: Reply): void {
	expect(reply.status).toBe(200);
	expect(reply.json).toMatchObject({ status: 'success', code: 200 });
	for (const key of ENVELOPE_KEYS) expect(reply.json).toHaveProperty(key);
}

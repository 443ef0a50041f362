/** Connection handling: keep-alive, prompt close(), requests Node cannot parse, concurrency. */
import { Agent, request } from 'node:http';
import { startSandbox } from '../../sandbox';
import { get, rawExchange } from './helpers';

function envelopeOf(raw: string): Record<string, unknown> {
	return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

describe('the HTTP server', () => {
	it('keeps connections alive across requests (n8n’s axios uses keep-alive agents)', async () => {
		const sandbox = await startSandbox();
		const agent = new Agent({ keepAlive: true, maxSockets: 1 });
		const reused: boolean[] = [];
		for (let i = 0; i < 3; i++) {
			await new Promise<void>((resolve, reject) => {
				const req = request(
					`${sandbox.url}/account`,
					{ agent, headers: { 'x-api-key': sandbox.apiKey, 'x-api-secret': sandbox.apiSecret } },
					(res) => {
						res.resume();
						res.on('end', resolve);
					},
				);
				req.on('error', reject);
				req.end();
				reused.push(req.reusedSocket);
			});
		}
		expect(reused).toEqual([false, true, true]);
		agent.destroy();
		await sandbox.close();
	});

	it('close() ends hanging and idle keep-alive sockets instead of waiting for them', async () => {
		const sandbox = await startSandbox();
		await get(sandbox, '/account'); // leaves an idle keep-alive socket
		sandbox.control.injectFault({ kind: 'hang', count: 3 });
		// The clients would wait 120 s, past the test timeout: only close() destroying the sockets lets this pass.
		const hanging = [1, 2, 3].map(() =>
			get(sandbox, '/account', { timeoutMs: 120_000 }).then(
				() => 'answered',
				(error: Error) => error.message,
			),
		);
		await new Promise((resolve) => setTimeout(resolve, 100));
		await sandbox.close();
		for (const outcome of await Promise.all(hanging))
			expect(outcome).toMatch(/socket hang up|ECONNRESET/);
	});

	it('an unknown HTTP method gets an enveloped 400 (Node cannot route it)', async () => {
		const sandbox = await startSandbox();
		const port = Number(new URL(sandbox.origin).port);
		const raw = await rawExchange(port, 'BREW /api/public/v1/calls HTTP/1.1\r\nHost: x\r\n\r\n');
		expect(raw).toMatch(/^HTTP\/1\.1 400/);
		expect(envelopeOf(raw)).toEqual({
			status: 'error',
			code: 400,
			unique_id: null,
			reference_id: null,
			details: 'The request could not be understood.',
		});
		await sandbox.close();
	});

	it('oversized headers get an enveloped 431', async () => {
		const sandbox = await startSandbox();
		const port = Number(new URL(sandbox.origin).port);
		const raw = await rawExchange(
			port,
			`GET /api/public/v1/account HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
		);
		expect(raw).toMatch(/^HTTP\/1\.1 431/);
		expect(envelopeOf(raw)).toMatchObject({ status: 'error', code: 431 });
		expect((await get(sandbox, '/account')).status).toBe(200);
		await sandbox.close();
	});

	it('serves 360 concurrent-ish requests without error (benchmark shape)', async () => {
		const sandbox = await startSandbox({ rateLimit: false });
		const statuses: number[] = [];
		for (let batch = 0; batch < 12; batch++) {
			const replies = await Promise.all(
				Array.from({ length: 30 }, (_, i) =>
					i % 2 ? get(sandbox, '/account') : get(sandbox, '/calls?per_page=10'),
				),
			);
			statuses.push(...replies.map((r) => r.status));
		}
		expect(statuses).toHaveLength(360);
		expect(new Set(statuses)).toEqual(new Set([200]));
		await sandbox.close();
	});

	it('two sandboxes run side by side with separate state', async () => {
		const [a, b] = await Promise.all([startSandbox(), startSandbox()]);
		expect(a.url).not.toBe(b.url);
		a.control.seedCalls(2);
		expect(b.control.calls()).toEqual([]);
		expect(a.apiKey).toBe(b.apiKey);
		await Promise.all([a.close(), b.close()]);
	});
});

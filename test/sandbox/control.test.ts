/** The /__sandbox/ control routes over HTTP, and their in-process twins. */
import { DEMO_ACCOUNT, MAGIC_NUMBERS } from '../../sandbox';
import { expectError, get, post, send, useSandbox } from './helpers';

const sandbox = useSandbox({ seedCalls: 3 });

describe('GET /__sandbox/otp/:request_id', () => {
	it('shows the code that was spoken, and the message', async () => {
		const sent = await post(sandbox(), '/otp/send', { number: '9812345678', code: '5678' });
		const id = String(sent.json.request_id);
		const reply = await get(sandbox(), `/__sandbox/otp/${id}`);
		expect(reply.status).toBe(200);
		expect(reply.json).toMatchObject({
			request_id: id,
			number: '+919812345678',
			code: '5678',
			message: 'Your verification code is 5 6 7 8. Again, 5 6 7 8.',
			status: 'pending',
			attempts: 0,
			max_attempts: 3,
		});
		expect(reply.json.expires_at).toMatch(/\+05:30$/);
		expect(sandbox().control.otp(id)).toEqual({
			code: '5678',
			message: 'Your verification code is 5 6 7 8. Again, 5 6 7 8.',
		});
	});

	it('an unknown request id → enveloped 404', async () => {
		expectError(
			await get(sandbox(), '/__sandbox/otp/nope'),
			404,
			'Verification request not found.',
		);
		expect(sandbox().control.otp('nope')).toBeUndefined();
	});
});

describe('GET /__sandbox/otp?number=', () => {
	const byNumber = (number: string) => get(sandbox(), `/__sandbox/otp?number=${number}`);

	it('finds the request by any of the three number forms, in the same shape as by request id', async () => {
		const sent = await post(sandbox(), '/otp/send', { number: '919812345678', code: '4321' });
		const byId = await get(sandbox(), `/__sandbox/otp/${String(sent.json.request_id)}`);
		expect(byId.status).toBe(200);
		for (const form of ['9812345678', '919812345678', '+919812345678', '%2B919812345678']) {
			const reply = await byNumber(form);
			expect(reply.status).toBe(200);
			expect(reply.json).toEqual(byId.json);
		}
		expect(byId.json).toMatchObject({ number: '+919812345678', code: '4321' });
	});

	it('the newest request wins: later on the clock, or sent later at the same instant, from any account', async () => {
		await post(sandbox(), '/otp/send', { number: '9812345678', code: '1111' });
		const second = await post(sandbox(), '/otp/send', { number: '+919812345678', code: '2222' });
		expect((await byNumber('9812345678')).json).toMatchObject({
			request_id: second.json.request_id,
			code: '2222',
		});

		await post(sandbox(), '/__sandbox/clock/advance', { ms: 1000 });
		const other = (await get(sandbox(), '/__sandbox/fixtures')).json.accounts as Array<{
			api_key: string;
			api_secret: string;
		}>;
		const third = await post(
			sandbox(),
			'/otp/send',
			{ number: '9812345678', code: '3333' },
			{ auth: { key: other[1].api_key, secret: other[1].api_secret } },
		);
		expect(third.status).toBe(200);
		expect((await byNumber('919812345678')).json).toMatchObject({
			request_id: third.json.request_id,
			code: '3333',
		});
		// Another number's requests are not mixed in.
		await post(sandbox(), '/otp/send', { number: '9812345679', code: '4444' });
		expect((await byNumber('9812345678')).json).toMatchObject({ code: '3333' });
	});

	it('no request for the number → enveloped 404 naming it; a malformed or missing number → 400', async () => {
		await post(sandbox(), '/otp/send', { number: '9812345678', code: '1234' });
		expectError(
			await byNumber('9898989898'),
			404,
			'No verification request has been sent to +919898989898 yet.',
		);
		for (const bad of ['98123', '09812345678', '98%2012345678', 'abc', '5812345678']) {
			const reply = await byNumber(bad);
			expectError(reply, 400);
			expect(reply.json.details).toMatch(/^number: A valid Indian mobile number is required\./);
		}
		expectError(await get(sandbox(), '/__sandbox/otp'), 400);
		expectError(await byNumber(''), 400);
	});
});

describe('clock', () => {
	it('GET /__sandbox/clock and POST /__sandbox/clock/advance', async () => {
		const before = await get(sandbox(), '/__sandbox/clock');
		expect(before.json).toMatchObject({ mode: 'manual', speed: 0 });
		expect(before.json.now).toBe(sandbox().control.now());
		const after = await post(sandbox(), '/__sandbox/clock/advance', { ms: 90_000 });
		expect(after.json.now).toBe(Number(before.json.now) + 90_000);
		expect(after.json.iso).toMatch(/\+05:30$/);
	});

	it('advancing by a bad amount → 400 and no change', async () => {
		const now = sandbox().control.now();
		for (const body of [{ ms: -5 }, { ms: 'ten' }, {}])
			expectError(
				await post(sandbox(), '/__sandbox/clock/advance', body),
				400,
				'ms must be a number >= 0.',
			);
		expect(sandbox().control.now()).toBe(now);
		expect(() => sandbox().control.advanceClock(-1)).toThrow();
	});
});

describe('faults', () => {
	const place = (opts = {}) =>
		send(sandbox(), 'POST', '/calls', {
			body: { type: 'audio_blast', number: '9812345678', audio_id: 12, reference_id: 'fault-test' },
			agent: false,
			...opts,
		});

	it('status500 and status503: enveloped JSON errors, then normal service', async () => {
		await post(sandbox(), '/__sandbox/faults', {
			kind: 'status500',
			path: '/calls',
			method: 'POST',
		});
		sandbox().control.injectFault({ kind: 'status503', path: '/calls', method: 'POST' });
		expectError(await place(), 500);
		expectError(await place(), 503);
		expect((await place()).status).toBe(200);
		expect(
			sandbox()
				.control.calls()
				.filter((c) => c.reference_id === 'fault-test'),
		).toHaveLength(1);
	});

	it('html: a 502 with a text/html body', async () => {
		sandbox().control.injectFault({ kind: 'html' });
		const reply = await get(sandbox(), '/account');
		expect(reply.status).toBe(502);
		expect(reply.headers['content-type']).toMatch(/^text\/html/);
		expect(reply.raw.toString()).toContain('<h1>502 Bad Gateway</h1>');
	});

	it('reset: the connection is destroyed (ECONNRESET)', async () => {
		sandbox().control.injectFault({ kind: 'reset', path: '/account' });
		await expect(get(sandbox(), '/account', { agent: false })).rejects.toMatchObject({
			code: expect.stringMatching(/ECONNRESET|socket hang up/),
		});
		expect((await get(sandbox(), '/account')).status).toBe(200);
	});

	it('hang: no answer until the client gives up', async () => {
		sandbox().control.injectFault({ kind: 'hang', path: '/account' });
		await expect(get(sandbox(), '/account', { agent: false, timeoutMs: 300 })).rejects.toThrow(
			'client timeout',
		);
		expect((await get(sandbox(), '/account')).status).toBe(200);
	});

	it('drop-response: the call IS placed, but the client never gets the answer', async () => {
		sandbox().control.injectFault({ kind: 'drop-response', method: 'POST', path: '/calls' });
		await expect(place()).rejects.toThrow();
		const placed = sandbox()
			.control.calls()
			.filter((c) => c.reference_id === 'fault-test');
		expect(placed).toHaveLength(1);
		const logged = sandbox()
			.control.requestLog()
			.filter((r) => r.method === 'POST');
		expect(logged[logged.length - 1].status).toBe(200);
	});

	it('count, method and path prefix decide which requests match', async () => {
		sandbox().control.injectFault({ kind: 'status503', method: 'GET', path: '/calls', count: 2 });
		expect((await place()).status).toBe(200); // POST: no match
		expect((await get(sandbox(), '/account')).status).toBe(200); // other path
		expect((await get(sandbox(), '/calls')).status).toBe(503);
		expect((await get(sandbox(), '/calls/run_1')).status).toBe(503); // prefix
		expect((await get(sandbox(), '/calls')).status).toBe(200); // used up
	});

	it('path_regex over HTTP', async () => {
		await post(sandbox(), '/__sandbox/faults', {
			kind: 'status500',
			path_regex: '^/calls/[^/]+/recording$',
			count: 5,
		});
		expect((await get(sandbox(), '/calls')).status).toBe(200);
		expect((await get(sandbox(), '/calls/run_1/recording')).status).toBe(500);
		const pending = await get(sandbox(), '/__sandbox/faults');
		expect(pending.json.data).toEqual([
			{ kind: 'status500', pathRegex: '^/calls/[^/]+/recording$', count: 4 },
		]);
	});

	it('DELETE /__sandbox/faults clears them', async () => {
		sandbox().control.injectFault({ kind: 'status500', count: 10 });
		await send(sandbox(), 'DELETE', '/__sandbox/faults');
		expect(sandbox().control.pendingFaults()).toEqual([]);
		expect((await get(sandbox(), '/account')).status).toBe(200);
	});

	it('bad fault specs → 400', async () => {
		expectError(await post(sandbox(), '/__sandbox/faults', { kind: 'explode' }), 400);
		expectError(
			await post(sandbox(), '/__sandbox/faults', { kind: 'hang', count: 0 }),
			400,
			'count must be a whole number >= 1.',
		);
		expectError(
			await post(sandbox(), '/__sandbox/faults', { kind: 'hang', path_regex: '(' }),
			400,
			'pathRegex must be a valid regular expression.',
		);
		expect(() => sandbox().control.injectFault({ kind: 'nope' as 'hang' })).toThrow();
	});

	it('pre-processing faults do not count against the rate limit', async () => {
		sandbox().control.injectFault({ kind: 'status503', count: 3 });
		for (let i = 0; i < 3; i++) await get(sandbox(), '/account');
		expect((await get(sandbox(), '/account')).headers['ratelimit-remaining']).toBe('119');
	});

	it('control routes are never faulted', async () => {
		sandbox().control.injectFault({ kind: 'reset', count: 5 });
		expect((await get(sandbox(), '/__sandbox/clock')).status).toBe(200);
		expect(sandbox().control.pendingFaults()[0].count).toBe(5);
	});
});

describe('calls: seed and inspect', () => {
	it('seeds by count', async () => {
		const reply = await post(sandbox(), '/__sandbox/calls/seed', { count: 25 });
		expect(reply.json.count).toBe(25);
		expect((await get(sandbox(), '/__sandbox/calls')).json.data).toHaveLength(28);
	});

	it('seeds explicit specs, in any shape the control API accepts', async () => {
		const spec = {
			number: '9812345678',
			status: 'failed',
			end_reason: 'rejected',
			created_at: '2026-06-01T12:00:00+05:30',
			duration_sec: 0,
			reference_id: 'seeded-1',
			direction: 'outbound',
			campaign_id: 4821,
		};
		const reply = await post(sandbox(), '/__sandbox/calls/seed', { calls: [spec] });
		expect((reply.json.data as unknown[])[0]).toEqual({
			unique_id: 'run_4821',
			call_id: expect.any(String),
			direction: 'outbound',
			from_number: DEMO_ACCOUNT.callerIds[0],
			to_number: '+919812345678',
			status: 'failed',
			end_reason: 'rejected',
			duration_sec: 0,
			campaign_id: 4821,
			reference_id: 'seeded-1',
			created_at: '2026-06-01T12:00:00+05:30',
		});
		expect(
			(await post(sandbox(), '/__sandbox/calls/seed', [{ reference_id: 'bare-array' }])).json.count,
		).toBe(1);
		const found = await get(sandbox(), '/calls/run_4821');
		expect(found.json).toMatchObject({ call_status: 'failed', reference_id: 'seeded-1' });
	});

	it('a second call in the same campaign keeps its call id as unique_id', async () => {
		const [a, b] = sandbox().control.seedCalls([{ campaign_id: 700 }, { campaign_id: 700 }]);
		expect(a.unique_id).toBe('run_700');
		expect(b.unique_id).toBe(b.call_id);
		expect(b.campaign_id).toBe(700);
	});

	it.each([
		[{ calls: [{ number: '123' }] }, 'calls[0].number: A valid Indian mobile number is required.'],
		[
			{ calls: [{ status: 'answered' }] },
			'calls[0].status must be one of queued, ringing, in_progress, completed, missed, failed.',
		],
		[
			{ calls: [{ status: 'completed', end_reason: 'busy' }] },
			'calls[0].end_reason busy does not fit status completed.',
		],
		[
			{ calls: [{ created_at: 'yesterday' }] },
			'calls[0].created_at must be an ISO 8601 timestamp or epoch milliseconds.',
		],
		[{ count: -1 }, 'count must be a whole number from 0 to 100000.'],
		[{ nope: true }, 'Send {"count": N}, {"calls": [...]} or an array of call specs.'],
	])('bad seed %j → 400', async (body, message) => {
		expectError(await post(sandbox(), '/__sandbox/calls/seed', body), 400, message);
	});
});

describe('reset', () => {
	it('POST /__sandbox/reset: back to seeded data, clock untouched', async () => {
		await post(sandbox(), '/calls', { type: 'audio_blast', number: '9812345678', audio_id: 12 });
		sandbox().control.injectFault({ kind: 'hang' });
		const now = sandbox().control.now();
		const reply = await post(sandbox(), '/__sandbox/reset', {});
		expect(reply.json).toMatchObject({ reset: true, now });
		expect(sandbox().control.calls()).toHaveLength(3); // the seedCalls: 3 history
		expect(sandbox().control.pendingFaults()).toEqual([]);
		expect(sandbox().control.requestLog()).toEqual([]);
		expect(sandbox().control.now()).toBe(now);
	});

	it('run numbers keep counting after a reset (a unique_id is never reused)', async () => {
		const first = await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: '9812345678',
			audio_id: 12,
		});
		sandbox().control.reset();
		const again = await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: '9812345678',
			audio_id: 12,
		});
		const run = (reply: typeof first) => Number(String(reply.json.unique_id).slice(4));
		expect(run(again)).toBeGreaterThan(run(first));
	});
});

describe('request log', () => {
	it('records method, path, query, headers, parsed body, status and clock time', async () => {
		await post(sandbox(), '/calls?x=1', {
			type: 'audio_blast',
			number: MAGIC_NUMBERS.answered,
			audio_id: 12,
		});
		await get(sandbox(), '/calls?per_page=5&status=completed', { auth: false });
		await get(sandbox(), '/__sandbox/clock');
		const log = (await get(sandbox(), '/__sandbox/log')).json.data as Array<
			Record<string, unknown>
		>;
		expect(log).toHaveLength(2);
		expect(log[0]).toMatchObject({
			method: 'POST',
			path: '/calls',
			url: '/api/public/v1/calls?x=1',
			query: { x: '1' },
			body: { type: 'audio_blast', number: MAGIC_NUMBERS.answered, audio_id: 12 },
			status: 200,
			at: sandbox().control.now(),
		});
		expect((log[0].headers as Record<string, string>)['x-api-key']).toBe(sandbox().apiKey);
		expect(log[0].rawBody).toBe(
			JSON.stringify({ type: 'audio_blast', number: MAGIC_NUMBERS.answered, audio_id: 12 }),
		);
		expect(log[1]).toMatchObject({
			method: 'GET',
			path: '/calls',
			query: { per_page: '5', status: 'completed' },
			status: 401,
		});
	});

	it('records faulted requests (0 for reset/hang)', async () => {
		sandbox().control.injectFault({ kind: 'status503' });
		sandbox().control.injectFault({ kind: 'reset' });
		await get(sandbox(), '/account');
		await get(sandbox(), '/account', { agent: false }).catch(() => undefined);
		expect(
			sandbox()
				.control.requestLog()
				.map((r) => r.status),
		).toEqual([503, 0]);
	});

	it('DELETE /__sandbox/log clears it', async () => {
		await get(sandbox(), '/account');
		await send(sandbox(), 'DELETE', '/__sandbox/log');
		expect(sandbox().control.requestLog()).toEqual([]);
	});

	it('the in-process log is a copy', async () => {
		await get(sandbox(), '/account');
		const log = sandbox().control.requestLog();
		log[0].headers['x-api-key'] = 'changed';
		expect(sandbox().control.requestLog()[0].headers['x-api-key']).toBe(sandbox().apiKey);
	});
});

describe('the control surface itself', () => {
	it('GET /__sandbox lists the routes, /__sandbox/fixtures the demo data', async () => {
		expect((await get(sandbox(), '/__sandbox')).json.routes).toContain('POST /__sandbox/reset');
		const fixtures = (await get(sandbox(), '/__sandbox/fixtures')).json;
		expect(fixtures.magic_numbers).toMatchObject({ answered: MAGIC_NUMBERS.answered });
		expect((fixtures.accounts as Array<{ api_key: string }>)[0].api_key).toBe(DEMO_ACCOUNT.apiKey);
	});

	it('unknown control routes and bad JSON → enveloped errors', async () => {
		expectError(await get(sandbox(), '/__sandbox/nope'), 404, 'Not found.');
		expectError(
			await post(sandbox(), '/__sandbox/faults', '{bad'),
			400,
			'The request body is not valid JSON.',
		);
	});
});

/** Rate limits: 120/min per account with RateLimit-* headers, the per-number OTP limit, and "unlimited". */
import { OTHER_ACCOUNT, startSandbox, type RunningSandbox } from '../../sandbox';
import { expectError, expectSuccess, get, post } from './helpers';

const manual = { mode: 'manual', startMs: Date.UTC(2026, 5, 4, 10) } as const;
let sandbox: RunningSandbox;
afterEach(async () => {
	await sandbox.close();
});

describe('per-account rate limit', () => {
	it('defaults to 120 requests per minute, with headers on every authenticated response', async () => {
		sandbox = await startSandbox({ clock: manual });
		const first = await get(sandbox, '/account');
		expect(first.headers['ratelimit-limit']).toBe('120');
		expect(first.headers['ratelimit-remaining']).toBe('119');
		expect(first.headers['ratelimit-reset']).toBe('60');
		// Errors carry them too.
		const notFound = await get(sandbox, '/calls/run_1');
		expect(notFound.status).toBe(404);
		expect(notFound.headers['ratelimit-remaining']).toBe('118');
	});

	it('the 121st request in a minute → 429 with the spec message; the window reset lets requests through again', async () => {
		sandbox = await startSandbox({ clock: manual });
		for (let i = 0; i < 120; i++) expect((await get(sandbox, '/account')).status).toBe(200);
		sandbox.control.advanceClock(20_000);
		const limited = await get(sandbox, '/account');
		expectError(limited, 429, 'Too many requests. Please slow down and retry shortly.');
		expect(limited.headers['ratelimit-limit']).toBe('120');
		expect(limited.headers['ratelimit-remaining']).toBe('0');
		expect(limited.headers['ratelimit-reset']).toBe('40');
		sandbox.control.advanceClock(39_999);
		expect((await get(sandbox, '/account')).status).toBe(429);
		sandbox.control.advanceClock(1);
		const recovered = await get(sandbox, '/account');
		expectSuccess(recovered);
		expect(recovered.headers['ratelimit-remaining']).toBe('119');
	});

	it('is configurable (3 per 2 s) and keyed per account', async () => {
		sandbox = await startSandbox({ clock: manual, rateLimit: { limit: 3, windowMs: 2_000 } });
		for (let i = 0; i < 3; i++) expect((await get(sandbox, '/account')).status).toBe(200);
		const limited = await get(sandbox, '/account');
		expect(limited.status).toBe(429);
		expect(limited.headers['ratelimit-reset']).toBe('2');
		// Another account is unaffected.
		expect(
			(
				await get(sandbox, '/account', {
					auth: { key: OTHER_ACCOUNT.apiKey, secret: OTHER_ACCOUNT.apiSecret },
				})
			).status,
		).toBe(200);
		sandbox.control.advanceClock(2_000);
		expect((await get(sandbox, '/account')).status).toBe(200);
	});

	it('a limited request does nothing: no call is placed', async () => {
		sandbox = await startSandbox({ clock: manual, rateLimit: { limit: 1, windowMs: 60_000 } });
		await get(sandbox, '/account');
		const reply = await post(sandbox, '/calls', {
			type: 'audio_blast',
			number: '9812345678',
			audio_id: 12,
			reference_id: 'r1',
		});
		expect(reply.status).toBe(429);
		expect(reply.json.reference_id).toBe('r1');
		expect(sandbox.control.calls()).toEqual([]);
	});

	it('requests that fail authentication are not counted', async () => {
		sandbox = await startSandbox({ clock: manual, rateLimit: { limit: 2, windowMs: 60_000 } });
		for (let i = 0; i < 5; i++)
			expect(
				(await get(sandbox, '/account', { auth: { key: sandbox.apiKey, secret: 'wrong' } })).status,
			).toBe(403);
		expect((await get(sandbox, '/account')).headers['ratelimit-remaining']).toBe('1');
	});

	it('runs in real time too (scaled clock): a short window resets on its own', async () => {
		sandbox = await startSandbox({
			clock: { mode: 'scaled', speed: 2 },
			rateLimit: { limit: 2, windowMs: 1_000 },
		});
		await get(sandbox, '/account');
		await get(sandbox, '/account');
		expect((await get(sandbox, '/account')).status).toBe(429);
		await new Promise((resolve) => setTimeout(resolve, 600));
		expect((await get(sandbox, '/account')).status).toBe(200);
	});

	it('rateLimit: false is unlimited and sends no RateLimit headers', async () => {
		sandbox = await startSandbox({ clock: manual, rateLimit: false });
		for (let i = 0; i < 200; i++) expect((await get(sandbox, '/account')).status).toBe(200);
		expect((await get(sandbox, '/account')).headers['ratelimit-limit']).toBeUndefined();
	});
});

describe('per-number verification-call limit', () => {
	it('defaults to 5 codes per number per 10 minutes, then 429', async () => {
		sandbox = await startSandbox({ clock: manual });
		for (let i = 0; i < 5; i++)
			expect((await post(sandbox, '/otp/send', { number: '9812345678' })).status).toBe(200);
		const limited = await post(sandbox, '/otp/send', {
			number: '+919812345678',
			reference_id: 'sixth',
		});
		expectError(
			limited,
			429,
			'Too many verification calls to this number. Please wait before sending another code.',
		);
		expect(limited.json.reference_id).toBe('sixth');
		expect(limited.headers['ratelimit-limit']).toBe('120');
		// type otp on POST /calls shares the same limit.
		expect((await post(sandbox, '/calls', { type: 'otp', number: '919812345678' })).status).toBe(
			429,
		);
		// Other numbers are fine.
		expect((await post(sandbox, '/otp/send', { number: '9812345679' })).status).toBe(200);
		sandbox.control.advanceClock(600_000);
		expect((await post(sandbox, '/otp/send', { number: '9812345678' })).status).toBe(200);
	});

	it('is configurable and can be switched off', async () => {
		sandbox = await startSandbox({ clock: manual, otpNumberLimit: { limit: 1, windowMs: 1_000 } });
		expect((await post(sandbox, '/otp/send', { number: '9812345678' })).status).toBe(200);
		expect((await post(sandbox, '/otp/send', { number: '9812345678' })).status).toBe(429);
		await sandbox.close();
		sandbox = await startSandbox({ clock: manual, otpNumberLimit: false });
		for (let i = 0; i < 8; i++)
			expect((await post(sandbox, '/otp/send', { number: '9812345678' })).status).toBe(200);
	});

	it('invalid sends are not counted', async () => {
		sandbox = await startSandbox({ clock: manual, otpNumberLimit: { limit: 1, windowMs: 60_000 } });
		expect((await post(sandbox, '/otp/send', { number: '9812345678', length: 99 })).status).toBe(
			400,
		);
		expect((await post(sandbox, '/otp/send', { number: '9812345678' })).status).toBe(200);
	});
});

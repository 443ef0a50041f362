import { startSandbox, type RunningSandbox } from '../../sandbox';
import { apiCredentials, runActionNode } from '../harness/engine';
import { TriggerHarness } from '../harness/poll';
import { runProbe } from './probe';

const RATE = { limit: 20, windowMs: 2000 };

async function spendWindow(sandbox: RunningSandbox, requests: number): Promise<void> {
	for (let i = 0; i < requests; i++) {
		await fetch(`${sandbox.url}/account`, {
			headers: { 'x-api-key': sandbox.apiKey, 'x-api-secret': sandbox.apiSecret },
		});
	}
}

function statuses(sandbox: RunningSandbox, path = '/account'): number[] {
	return sandbox.control
		.requestLog()
		.filter((entry) => entry.path === path)
		.map((entry) => entry.status);
}

describe('rate-limit pacing', () => {
	let sandbox: RunningSandbox;
	beforeEach(async () => {
		sandbox = await startSandbox({ port: 0, rateLimit: RATE });
	});
	afterEach(async () => sandbox.close());

	it('runs 60 Get Balance items over three windows without a single 429', async () => {
		const result = await runActionNode({
			parameters: { resource: 'account', operation: 'getBalance' },
			items: Array.from({ length: 60 }, () => ({})),
			credentials: apiCredentials(sandbox),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(60);
		expect(result.items.every((item) => item.json.currency === 'INR')).toBe(true);
		const seen = statuses(sandbox);
		expect(seen).toHaveLength(60);
		expect(seen.filter((status) => status === 429)).toEqual([]);
	});

	it('shares one budget between two executions on the same account in this process', async () => {
		const run = async () =>
			await runActionNode({
				parameters: { resource: 'account', operation: 'getBalance' },
				items: Array.from({ length: 25 }, () => ({})),
				credentials: apiCredentials(sandbox),
			});
		const [first, second] = await Promise.all([run(), run()]);
		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(first.items.length + second.items.length).toBe(50);
		const seen = statuses(sandbox);
		expect(seen).toHaveLength(50);
		expect(seen.filter((status) => status === 429)).toEqual([]);
	});

	it('waits out a 429 when another client has spent the window, then succeeds', async () => {
		await spendWindow(sandbox, RATE.limit);
		sandbox.control.clearLog();
		const result = await runActionNode({
			parameters: { resource: 'account', operation: 'getBalance' },
			items: Array.from({ length: 5 }, () => ({})),
			credentials: apiCredentials(sandbox),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(5);
		// One rejected attempt, then every item once.
		expect(statuses(sandbox)).toEqual([429, 200, 200, 200, 200, 200]);
	});

	it('retries an account 429 even on a POST (the request was not processed)', async () => {
		await spendWindow(sandbox, RATE.limit);
		sandbox.control.clearLog();
		const result = await runProbe({
			request: { method: 'POST', path: '/otp/send', body: { number: '9812300001' } },
			credentials: apiCredentials(sandbox),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.request_id).toEqual(expect.any(String));
		expect(statuses(sandbox, '/otp/send')).toEqual([429, 200]);
	});

	it('fails with a clear error when the wait would exceed Max Rate-Limit Wait', async () => {
		await spendWindow(sandbox, RATE.limit);
		sandbox.control.clearLog();
		const result = await runProbe({
			request: { method: 'GET', path: '/account', maxRateLimitWaitMs: 100 },
			credentials: apiCredentials(sandbox),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/rate limit.*Max Rate-Limit Wait/i);
		expect(result.items[0].json.httpCode).toBe('429');
		expect(statuses(sandbox)).toEqual([429]);
	});
});

describe('a window learned from a server that has since been replaced', () => {
	it('is checked by the next run instead of being waited out', async () => {
		const first = await startSandbox({ port: 0, rateLimit: { limit: 1, windowMs: 60_000 } });
		const port = Number(new URL(first.origin).port);
		const spent = await runProbe({
			request: { method: 'GET', path: '/account', maxRateLimitWaitMs: 0 },
			items: [{}, {}],
			credentials: apiCredentials(first),
			continueOnFail: true,
		});
		expect(spent.items[1].json.error).toMatch(/rate limit/i);
		await first.close();

		const second = await startSandbox({ port, rateLimit: { limit: 5, windowMs: 60_000 } });
		try {
			// Waiting out the old window (60 s) would exceed this cap and fail the items.
			const result = await runProbe({
				request: { method: 'GET', path: '/account', maxRateLimitWaitMs: 1000 },
				items: [{}, {}, {}],
				credentials: apiCredentials(second),
				continueOnFail: true,
			});
			expect(result.items.map((item) => item.json.status)).toEqual([
				'success',
				'success',
				'success',
			]);
			expect(second.control.requestLog().map((entry) => entry.status)).toEqual([200, 200, 200]);
		} finally {
			await second.close();
		}
	});
});

describe('per-number verification limit', () => {
	let sandbox: RunningSandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({
			port: 0,
			rateLimit: RATE,
			otpNumberLimit: { limit: 1, windowMs: 600_000 },
		});
	});
	afterAll(async () => sandbox.close());

	it('is not retried: the item fails at once with advice about the number', async () => {
		const result = await runProbe({
			request: { method: 'POST', path: '/otp/send', body: { number: '9812300002' } },
			items: [{}, {}],
			credentials: apiCredentials(sandbox),
			continueOnFail: true,
		});
		expect(result.items[0].json.request_id).toEqual(expect.any(String));
		expect(result.items[1].json.error).toMatch(/429: Too many verification calls to this number/);
		expect(result.items[1].json.description).toMatch(/does not retry/);
		expect(statuses(sandbox, '/otp/send')).toEqual([200, 429]);
	});
});

describe('a trigger poll while a batch waits for the window', () => {
	let sandbox: RunningSandbox;
	beforeEach(async () => {
		sandbox = await startSandbox({ port: 0, rateLimit: { limit: 10, windowMs: 3000 } });
	});
	afterEach(async () => sandbox.close());

	it('waits for the reset with the batch instead of drawing a 429', async () => {
		const batch = runActionNode({
			parameters: { resource: 'account', operation: 'getBalance' },
			items: Array.from({ length: 15 }, () => ({})),
			credentials: apiCredentials(sandbox),
		});
		// The batch has spent the window and is waiting for its reset.
		while (statuses(sandbox).length < 10) await new Promise((resolve) => setTimeout(resolve, 10));
		const trigger = new TriggerHarness({
			parameters: { events: ['completed'] },
			credentials: apiCredentials(sandbox),
		});
		const [poll, batchResult] = await Promise.all([trigger.poll(), batch]);
		expect(poll.error).toBeUndefined();
		expect(batchResult.error).toBeUndefined();
		expect(batchResult.items).toHaveLength(15);
		const log = sandbox.control.requestLog();
		expect(log.filter((entry) => entry.path === '/calls').length).toBeGreaterThan(0);
		expect(log.map((entry) => entry.status).filter((status) => status === 429)).toEqual([]);
	});
});

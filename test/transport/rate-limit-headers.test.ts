import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { AccountWindow } from '../../nodes/shared/transport/pacing';
import { readRateLimitHeaders } from '../../nodes/shared/transport/pacing';
import { apiCredentials, runActionNode } from '../harness/engine';

describe('reading rate-limit headers defensively', () => {
	const now = Date.UTC(2026, 5, 4, 16, 0, 0);

	it('reads the standard headers, in any letter case', () => {
		expect(
			readRateLimitHeaders(
				{ 'ratelimit-limit': '120', 'RateLimit-Remaining': '7', 'ratelimit-reset': '42' },
				now,
			),
		).toEqual({
			limit: 120,
			remaining: 7,
			resetSec: 42,
		});
	});

	it('ignores missing, negative, fractional and non-numeric values', () => {
		expect(readRateLimitHeaders({}, now)).toEqual({});
		expect(
			readRateLimitHeaders(
				{ 'ratelimit-limit': 'abc', 'ratelimit-remaining': '-1', 'ratelimit-reset': '1.5' },
				now,
			),
		).toEqual({});
		expect(
			readRateLimitHeaders({ 'ratelimit-remaining': '500', 'ratelimit-limit': '120' }, now),
		).toEqual({ limit: 120 });
	});

	it('takes the first of repeated values and of a value with a policy', () => {
		expect(
			readRateLimitHeaders(
				{ 'ratelimit-remaining': ['3', '9'], 'ratelimit-limit': '120, 120;w=60' },
				now,
			),
		).toEqual({
			limit: 120,
			remaining: 3,
		});
	});

	it('reads the combined RateLimit header and x-ratelimit-* fallbacks', () => {
		expect(readRateLimitHeaders({ ratelimit: 'limit=120, remaining=0, reset=12' }, now)).toEqual({
			limit: 120,
			remaining: 0,
			resetSec: 12,
		});
		expect(readRateLimitHeaders({ 'x-ratelimit-remaining': '4' }, now)).toEqual({ remaining: 4 });
	});

	it('turns an epoch reset into seconds from now', () => {
		expect(readRateLimitHeaders({ 'ratelimit-reset': String(now / 1000 + 30) }, now).resetSec).toBe(
			30,
		);
	});

	it('reads Retry-After as seconds or as an HTTP date', () => {
		expect(readRateLimitHeaders({ 'retry-after': '5' }, now).retryAfterMs).toBe(5000);
		expect(
			readRateLimitHeaders({ 'retry-after': new Date(now + 8000).toUTCString() }, now).retryAfterMs,
		).toBe(8000);
		expect(readRateLimitHeaders({ 'retry-after': 'soon' }, now).retryAfterMs).toBeUndefined();
	});
});

describe('the account window estimate', () => {
	it('waits for the reset once the window is spent, and never before the reported reset', () => {
		const window = new AccountWindow();
		expect(window.claim(1000)).toBe(0);
		window.release();
		window.observe({ limit: 2, remaining: 1, resetSec: 10 }, 1000, 1005, false);
		expect(window.claim(1010)).toBe(0);
		window.release();
		window.observe({ limit: 2, remaining: 0, resetSec: 10 }, 1010, 1012, false);
		// The smallest upper bound (received 1005 + 10 s) plus the margin.
		const wait = window.claim(1020);
		expect(wait).toBeGreaterThanOrEqual(11_005 - 1020);
		expect(wait).toBeLessThan(11_005 - 1020 + 100);
		// After the reset the window is assumed full again.
		expect(window.claim(11_100)).toBe(0);
		expect(window.remaining).toBe(1);
	});

	it('bursts while alone on the account', () => {
		const window = new AccountWindow();
		window.claim(0);
		window.release();
		window.observe({ limit: 20, remaining: 19, resetSec: 2 }, 0, 1, false);
		for (let i = 0; i < 10; i++) {
			expect(window.claim(5)).toBe(0);
			window.release();
			window.observe({ limit: 20, remaining: 18 - i, resetSec: 2 }, 5, 6, false);
		}
		expect(window.sharedNow).toBe(false);
	});

	it('spreads the rest of the window once another client is seen spending the budget', () => {
		const window = new AccountWindow();
		window.claim(0);
		window.release();
		window.observe({ limit: 20, remaining: 19, resetSec: 2 }, 0, 1, false);
		expect(window.claim(10)).toBe(0);
		window.release();
		// We expected 18 left; the server says 15: someone else sent 3.
		window.observe({ limit: 20, remaining: 15, resetSec: 2 }, 10, 11, false);
		expect(window.sharedNow).toBe(true);
		// 15 left over the ~1.99 s until the reset: about one every 130 ms.
		const wait = window.claim(12);
		expect(wait).toBeGreaterThan(100);
		expect(wait).toBeLessThan(140);
		expect(window.claim(12 + wait)).toBe(0);
	});

	it('sees another client already in the window on its very first answer', () => {
		const window = new AccountWindow();
		window.claim(0);
		window.release();
		window.observe({ limit: 20, remaining: 12, resetSec: 2 }, 0, 1, false);
		expect(window.sharedNow).toBe(true);
	});

	it('stays spread for one window after the other client was last seen, then bursts again', () => {
		const window = new AccountWindow();
		window.claim(0);
		window.release();
		window.observe({ limit: 20, remaining: 10, resetSec: 1 }, 0, 1, false);
		expect(window.sharedNow).toBe(true);
		window.claim(2000);
		window.release();
		window.observe({ limit: 20, remaining: 19, resetSec: 1 }, 2000, 2001, false);
		expect(window.sharedBefore).toBe(true);
		expect(window.claim(2002)).toBeGreaterThan(0);
		window.claim(4000);
		expect(window.sharedBefore).toBe(false);
	});

	it('takes a 429 for a slot it believed free as another client, but not one for a probe past a spent window', () => {
		const alone = new AccountWindow();
		alone.claim(0);
		alone.release();
		alone.observe({ limit: 2, remaining: 0, resetSec: 10 }, 0, 1, false);
		expect(alone.claim(5, true)).toBe(0);
		alone.release();
		alone.observe({ limit: 2, remaining: 0, resetSec: 10 }, 5, 6, true);
		expect(alone.sharedNow).toBe(false);

		const crowded = new AccountWindow();
		crowded.claim(0);
		crowded.release();
		crowded.observe({ limit: 20, remaining: 0, resetSec: 10 }, 0, 1, true);
		expect(crowded.sharedNow).toBe(true);
	});

	it('counts requests still in flight as spent', () => {
		const window = new AccountWindow();
		window.claim(0);
		window.claim(0);
		window.claim(0);
		window.release();
		window.observe({ limit: 20, remaining: 19, resetSec: 2 }, 0, 3, false);
		expect(window.remaining).toBe(17);
	});
});

describe('a server with unusual rate-limit answers', () => {
	let server: http.Server;
	let url = '';
	let requests = 0;
	const answers: Array<(res: http.ServerResponse) => void> = [];
	const envelope = JSON.stringify({
		status: 'success',
		code: 200,
		data: { balance_inr: 1, currency: 'INR' },
	});
	beforeAll(async () => {
		server = http.createServer((_req, res) => {
			requests += 1;
			const answer = answers.shift();
			if (answer) return answer(res);
			res.writeHead(200, {
				'content-type': 'application/json',
				'ratelimit-remaining': 'lots',
				'ratelimit-reset': '',
			});
			res.end(envelope);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/public/v1`;
	});
	afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
	beforeEach(() => {
		requests = 0;
	});

	const run = async (items: number) =>
		await runActionNode({
			parameters: { resource: 'account', operation: 'getBalance' },
			items: Array.from({ length: items }, () => ({})),
			credentials: apiCredentials({ url, apiKey: 'pk_live_x', apiSecret: 'sk_live_y' }),
			continueOnFail: true,
		});

	it('works through malformed headers without pacing on them', async () => {
		const result = await run(5);
		expect(result.items.map((item) => item.json.currency)).toEqual([
			'INR',
			'INR',
			'INR',
			'INR',
			'INR',
		]);
		expect(requests).toBe(5);
	});

	it('honours Retry-After on a 429 and then succeeds', async () => {
		answers.push((res) => {
			res.writeHead(429, {
				'content-type': 'application/json',
				'retry-after': '1',
				'ratelimit-reset': 'x',
			});
			res.end(
				JSON.stringify({
					status: 'error',
					code: 429,
					details: 'Too many requests. Please slow down and retry shortly.',
				}),
			);
		});
		const result = await run(1);
		expect(result.items[0].json.currency).toBe('INR');
		expect(requests).toBe(2);
	});

	it('treats a gateway 429 without an envelope as the account limit', async () => {
		answers.push((res) => {
			res.writeHead(429, { 'content-type': 'text/plain' });
			res.end('slow down');
		});
		const result = await run(1);
		expect(result.items[0].json.currency).toBe('INR');
		expect(requests).toBe(2);
	});
});

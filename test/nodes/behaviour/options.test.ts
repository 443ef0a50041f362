/** The Options collection reaches the transport: rate-limit wait cap and per-attempt timeout. */
import { jsonOf, nodeErrorOf, runNode, useSandbox } from '../helpers';

describe('Options › Max Rate-Limit Wait', () => {
	const sandbox = useSandbox({ rateLimit: { limit: 1, windowMs: 60_000 } });

	it('0: an item over the account limit fails at once instead of waiting, and the run goes on', async () => {
		const result = await runNode(
			sandbox(),
			{ resource: 'account', operation: 'getBalance', options: { maxRateLimitWaitSec: 0 } },
			{ items: [{}, {}], continueOnFail: true },
		);
		const [first, second] = jsonOf(result.items);
		expect(first).toEqual({ balance_inr: 1842.5, currency: 'INR' });
		expect(String(second.error)).toMatch(/rate limit/i);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
	});
});

describe('Options › Timeout (ms)', () => {
	const sandbox = useSandbox();

	it('a request the server never answers fails as "no response in time", sent once', async () => {
		sandbox().control.injectFault({ kind: 'hang', method: 'POST', path: '/otp/send' });
		const error = nodeErrorOf(
			await runNode(sandbox(), {
				resource: 'verification',
				operation: 'sendCode',
				number: '9812345678',
				options: { timeoutMs: 500 },
			}),
		);
		expect(error.message).toMatch(/no response in time/);
		expect(sandbox().control.requestLog()).toHaveLength(1);
	});
});

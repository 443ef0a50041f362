import { apiCredentials, runActionNode } from '../harness/engine';
import { runProbe, useTransportSandbox } from './probe';

describe('reads (GET) retry with backoff', () => {
	const sandbox = useTransportSandbox();

	const accountRequests = () =>
		sandbox()
			.control.requestLog()
			.filter((entry) => entry.path === '/account');

	it('recovers from two 503s: three requests, one success', async () => {
		sandbox().control.injectFault({ kind: 'status503', method: 'GET', path: '/account', count: 2 });
		const result = await runActionNode({
			parameters: { resource: 'account', operation: 'getBalance' },
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.currency).toBe('INR');
		expect(accountRequests().map((entry) => entry.status)).toEqual([503, 503, 200]);
	});

	it('retries a dropped connection, a gateway HTML page and a timeout', async () => {
		sandbox().control.injectFault({ kind: 'reset', method: 'GET', path: '/account' });
		sandbox().control.injectFault({ kind: 'html', method: 'GET', path: '/account' });
		sandbox().control.injectFault({ kind: 'hang', method: 'GET', path: '/account' });
		const result = await runProbe({
			request: { method: 'GET', path: '/account', timeoutMs: 300 },
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('success');
		expect(accountRequests().map((entry) => entry.status)).toEqual([0, 502, 0, 200]);
	});

	it('gives up after four attempts with the last answer as the error', async () => {
		sandbox().control.injectFault({
			kind: 'status500',
			method: 'GET',
			path: '/account',
			count: 10,
		});
		const result = await runActionNode({
			parameters: { resource: 'account', operation: 'getBalance' },
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/500/);
		expect(accountRequests()).toHaveLength(4);
	});

	it('does not retry a definite 4xx answer', async () => {
		const result = await runProbe({
			request: { method: 'GET', path: '/calls/run_999999' },
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/404/);
		expect(
			sandbox()
				.control.requestLog()
				.filter((entry) => entry.path === '/calls/run_999999'),
		).toHaveLength(1);
	});
});

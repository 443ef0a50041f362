import { apiCredentials } from '../harness/engine';
import { runProbe, useTransportSandbox } from './probe';

describe('verification requests are never retried on an unknown outcome', () => {
	const sandbox = useTransportSandbox();

	const log = (path: string) =>
		sandbox()
			.control.requestLog()
			.filter((entry) => entry.path === path);

	it('verify: a 503 is reported, with exactly one verify request sent', async () => {
		sandbox().control.injectFault({ kind: 'status503', method: 'POST', path: '/otp/verify' });
		const result = await runProbe({
			request: {
				method: 'POST',
				path: '/otp/verify',
				body: { number: '9812345101', code: '1234' },
			},
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.httpCode).toBe('503');
		expect(log('/otp/verify')).toHaveLength(1);
	});

	it('verify: a dropped connection fails the item, saying every attempt counts', async () => {
		sandbox().control.injectFault({ kind: 'reset', method: 'POST', path: '/otp/verify' });
		const result = await runProbe({
			request: {
				method: 'POST',
				path: '/otp/verify',
				body: { number: '9812345102', code: '1234' },
				retry: 'none',
			},
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/may have been processed/);
		expect(result.items[0].json.description).toMatch(/every verify attempt counts/);
		expect(log('/otp/verify')).toHaveLength(1);
	});

	it('send: a response lost after the code was sent is not sent again', async () => {
		sandbox().control.injectFault({ kind: 'drop-response', method: 'POST', path: '/otp/send' });
		const result = await runProbe({
			request: {
				method: 'POST',
				path: '/otp/send',
				body: { number: '9812345103', reference_id: 'signup-1' },
			},
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/may have been processed/);
		expect(result.items[0].json.description).toMatch(/sending again issues a fresh code/);
		expect(log('/otp/send')).toHaveLength(1);
	});
});

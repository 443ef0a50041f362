import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { apiCredentials, runActionNode } from '../harness/engine';

describe('engine harness', () => {
	let server: http.Server;
	let url = '';
	const seen: http.IncomingHttpHeaders[] = [];
	beforeAll(async () => {
		server = http.createServer((req, res) => {
			seen.push(req.headers);
			res.setHeader('content-type', 'application/json');
			res.end(
				JSON.stringify({
					status: 'success',
					code: 200,
					data: { balance_inr: 12.5, currency: 'INR' },
				}),
			);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/public/v1`;
	});
	afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

	it('runs the action node through WorkflowExecute with the credential headers', async () => {
		const result = await runActionNode({
			parameters: { resource: 'account', operation: 'getBalance' },
			credentials: apiCredentials({ url, apiKey: 'pk_live_a', apiSecret: 'sk_live_b' }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([{ balance_inr: 12.5, currency: 'INR' }]);
		expect(seen[0]['x-api-key']).toBe('pk_live_a');
		expect(seen[0]['x-api-secret']).toBe('sk_live_b');
	});
});

/** Account › Get Balance against the sandbox. */
import { apiRequests, jsonOf, runNode, useSandbox } from '../helpers';

const sandbox = useSandbox();

describe('Account › Get Balance', () => {
	it('outputs balance_inr and currency from GET /account, once per input item', async () => {
		const result = await runNode(
			sandbox(),
			{ resource: 'account', operation: 'getBalance' },
			{ items: [{}, {}] },
		);
		expect(jsonOf(result.items)).toEqual([
			{ balance_inr: 1842.5, currency: 'INR' },
			{ balance_inr: 1842.5, currency: 'INR' },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(apiRequests(sandbox(), 'GET', '/account')).toHaveLength(2);
	});
});

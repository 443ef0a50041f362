/** Campaign › Get Many: one item per campaign, type filter, limit. */
import { apiRequests, jsonOf, runNode, useSandbox } from '../helpers';

const sandbox = useSandbox();

const getMany = (parameters: Record<string, unknown>) => ({
	resource: 'campaign',
	operation: 'getMany',
	...parameters,
});

describe('Campaign › Get Many', () => {
	it('outputs one item per campaign with one request', async () => {
		const result = await runNode(sandbox(), getMany({ returnAll: true }));
		expect(jsonOf(result.items)).toEqual([
			{ id: 57, name: 'March promo', type: 'audio_blast', status: 'active' },
			{ id: 61, name: 'Renewal press-1', type: 'press1', status: 'active' },
			{ id: 72, name: 'Signup verification', type: 'otp', status: 'active' },
			{ id: 80, name: 'Draft blast (no audio yet)', type: 'audio_blast', status: 'draft' },
		]);
		expect(apiRequests(sandbox()).map((entry) => entry.url.replace(/^.*\/v1/, ''))).toEqual([
			'/campaigns',
		]);
	});

	it('filters by type and applies the limit', async () => {
		const byType = await runNode(
			sandbox(),
			getMany({ returnAll: true, filters: { types: ['press1', 'otp'] } }),
		);
		expect(jsonOf(byType.items).map((campaign) => campaign.id)).toEqual([61, 72]);
		const limited = await runNode(sandbox(), getMany({ returnAll: false, limit: 2 }));
		expect(jsonOf(limited.items).map((campaign) => campaign.id)).toEqual([57, 61]);
	});
});

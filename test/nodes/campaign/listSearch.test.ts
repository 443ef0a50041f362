/** The Campaign dropdown of Campaign › Trigger, loaded through n8n-core's LoadOptionsContext. */
import { DEMO } from '../../../sandbox';
import { listSearch } from '../load-options';
import { apiRequests, useSandbox } from '../helpers';

const sandbox = useSandbox();

const parameters = {
	resource: 'campaign',
	operation: 'trigger',
	campaign: { __rl: true, mode: 'list', value: '' },
};

describe('Campaign dropdown (listSearch searchTriggerableCampaigns)', () => {
	it('lists only the Audio Blast and Press 1 campaigns, from GET /campaigns', async () => {
		const { results } = await listSearch(sandbox(), 'searchTriggerableCampaigns', parameters);
		expect(results).toEqual([
			{ name: 'March promo (Audio Blast, #57)', value: String(DEMO.campaigns.audioBlast) },
			{ name: 'Renewal press-1 (Press 1, #61)', value: String(DEMO.campaigns.press1) },
			{
				name: 'Draft blast (no audio yet) (Audio Blast, draft, #80)',
				value: String(DEMO.campaigns.noAudio),
			},
		]);
		expect(results.map((entry) => entry.value)).not.toContain(String(DEMO.campaigns.otp));
		const requests = apiRequests(sandbox());
		expect(requests.map((entry) => `${entry.method} ${entry.path}`)).toEqual(['GET /campaigns']);
		expect(requests[0].headers['x-api-key']).toBe(sandbox().apiKey);
	});

	it('filters by name (case-insensitive) or by id', async () => {
		expect(
			(
				await listSearch(sandbox(), 'searchTriggerableCampaigns', parameters, 'RENEWAL')
			).results.map((entry) => entry.value),
		).toEqual(['61']);
		expect(
			(await listSearch(sandbox(), 'searchTriggerableCampaigns', parameters, '57')).results.map(
				(entry) => entry.value,
			),
		).toEqual(['57']);
		expect(
			(await listSearch(sandbox(), 'searchTriggerableCampaigns', parameters, 'verification'))
				.results,
		).toEqual([]);
	});

	it('a wrong secret fails with the API error, without the secret', async () => {
		const wrong = { ...sandbox(), apiSecret: 'sk_live_wrongwrongwrongwrongwrongwrong99' };
		const failure = await listSearch(wrong, 'searchTriggerableCampaigns', parameters).catch(
			(error: unknown) => error,
		);
		expect((failure as Error).message).toBe(
			'Agentive Voice API error 403: Invalid API credentials.',
		);
		expect(JSON.stringify(failure)).not.toContain('wrongwrongwrong');
	});
});

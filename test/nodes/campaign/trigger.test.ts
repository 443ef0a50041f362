/** Campaign › Trigger: both locator modes, the body sent, and the API's refusals. */
import { DEMO } from '../../../sandbox';
import { apiRequests, jsonOf, nodeErrorOf, onlyBody, runNode, useSandbox } from '../helpers';

const sandbox = useSandbox();

const trigger = (campaign: unknown, parameters: Record<string, unknown> = {}) => ({
	resource: 'campaign',
	operation: 'trigger',
	campaign,
	number: '9812345678',
	...parameters,
});

const fromList = (value: string) => ({ __rl: true, mode: 'list', value });
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

describe('Campaign › Trigger', () => {
	it('runs a campaign picked from the list for one number and outputs the envelope', async () => {
		const result = await runNode(sandbox(), trigger(fromList('57'), { referenceId: 'lead-5567' }));
		expect(result.error).toBeUndefined();
		expect(onlyBody(sandbox(), 'POST', '/campaigns/57/trigger')).toEqual({
			number: '+919812345678',
			reference_id: 'lead-5567',
		});
		expect(jsonOf(result.items)).toEqual([
			{
				status: 'success',
				code: 200,
				unique_id: expect.stringMatching(/^run_\d+$/),
				reference_id: 'lead-5567',
				details: 'Call queued.',
			},
		]);
	});

	it('runs a campaign given by ID from an expression, with a generated reference ID', async () => {
		const result = await runNode(
			sandbox(),
			trigger(byId('={{ $json.campaign }}'), { number: '={{ $json.phone }}' }),
			{
				items: [{ campaign: DEMO.campaigns.press1, phone: '+919812345678' }],
			},
		);
		const body = onlyBody(sandbox(), 'POST', `/campaigns/${DEMO.campaigns.press1}/trigger`);
		expect(body.reference_id).toMatch(/^n8n-/);
		expect(result.items[0].json.reference_id).toBe(body.reference_id);
	});

	it('a verification campaign is refused by the API with its message', async () => {
		const error = nodeErrorOf(await runNode(sandbox(), trigger(byId(String(DEMO.campaigns.otp)))));
		expect(error.message).toBe(
			'Agentive Voice API error 400: This is a verification-code campaign. Use the OTP endpoints to send a code.',
		);
	});

	it('a campaign of another account is the API 404', async () => {
		const error = nodeErrorOf(
			await runNode(sandbox(), trigger(byId(String(DEMO.otherAccountCampaignId)))),
		);
		expect(error.message).toBe('Agentive Voice API error 404: Campaign not found.');
		expect(error.httpCode).toBe('404');
		expect(apiRequests(sandbox())).toHaveLength(1);
	});
});

/** GET /campaigns and POST /campaigns/:id/trigger, with every documented error row. */
import { DEMO, MAGIC_NUMBERS } from '../../sandbox';
import { expectError, expectSuccess, get, post, useSandbox } from './helpers';

const sandbox = useSandbox();
const trigger = (id: number | string, body: Record<string, unknown> = { number: '9812345678' }) =>
	post(sandbox(), `/campaigns/${id}/trigger`, body);

describe('GET /campaigns', () => {
	it('lists the API campaigns with id, name, type and status only', async () => {
		const reply = await get(sandbox(), '/campaigns');
		expectSuccess(reply);
		const data = reply.json.data as Array<Record<string, unknown>>;
		expect(data).toEqual([
			{ id: 57, name: 'March promo', type: 'audio_blast', status: 'active' },
			{ id: 61, name: 'Renewal press-1', type: 'press1', status: 'active' },
			{ id: 72, name: 'Signup verification', type: 'otp', status: 'active' },
			{ id: 80, name: 'Draft blast (no audio yet)', type: 'audio_blast', status: 'draft' },
		]);
	});

	it('type is always one of audio_blast, press1, otp (dashboard-only types are not listed)', async () => {
		const data = (await get(sandbox(), '/campaigns')).json.data as Array<{
			id: number;
			type: string;
		}>;
		for (const campaign of data) expect(['audio_blast', 'press1', 'otp']).toContain(campaign.type);
		expect(data.map((c) => c.id)).not.toContain(DEMO.campaigns.notSingleNumber);
	});
});

describe('POST /campaigns/:id/trigger', () => {
	it('runs an audio_blast campaign for one number: "Call queued." with a new run id', async () => {
		const reply = await trigger(DEMO.campaigns.audioBlast, {
			number: '9812345678',
			reference_id: 'lead-5567',
		});
		expectSuccess(reply);
		expect(reply.json).toMatchObject({
			unique_id: expect.stringMatching(/^run_\d+$/),
			reference_id: 'lead-5567',
			details: 'Call queued.',
		});
		const [call] = sandbox().control.calls();
		expect(call).toMatchObject({
			unique_id: reply.json.unique_id,
			to_number: '+919812345678',
			reference_id: 'lead-5567',
			direction: 'outbound',
		});
	});

	it('runs a press1 campaign', async () => {
		expectSuccess(await trigger(DEMO.campaigns.press1));
	});

	it('campaign not found → 404 "Campaign not found."', async () => {
		expectError(await trigger(999), 404, 'Campaign not found.');
		expectError(await trigger('abc'), 404, 'Campaign not found.');
	});

	it('another account’s campaign is not found', async () => {
		expectError(await trigger(DEMO.otherAccountCampaignId), 404, 'Campaign not found.');
	});

	it('a verification-code campaign → 400', async () => {
		expectError(
			await trigger(DEMO.campaigns.otp),
			400,
			'This is a verification-code campaign. Use the OTP endpoints to send a code.',
		);
	});

	it('a campaign type that cannot run for one number (ai_agent) → 400', async () => {
		expectError(
			await trigger(DEMO.campaigns.notSingleNumber),
			400,
			'This campaign type cannot be triggered for a single number.',
		);
	});

	it('a campaign with no audio → 400', async () => {
		expectError(
			await trigger(DEMO.campaigns.noAudio),
			400,
			'This campaign has no audio configured.',
		);
	});

	it('the campaign is checked before the number', async () => {
		expectError(await trigger(999, { number: 'bad' }), 404, 'Campaign not found.');
		expectError(
			await trigger(DEMO.campaigns.audioBlast, { number: 'bad' }),
			400,
			'A valid Indian mobile number is required.',
		);
	});

	it('the placement-error number → 503 and no call', async () => {
		expectError(
			await trigger(DEMO.campaigns.audioBlast, { number: MAGIC_NUMBERS.placementError }),
			503,
			'Could not place the call right now. Please retry.',
		);
		expect(sandbox().control.calls()).toEqual([]);
	});

	it('a triggered call follows the magic-number outcomes too', async () => {
		const reply = await trigger(DEMO.campaigns.audioBlast, { number: MAGIC_NUMBERS.busy });
		sandbox().control.advanceClock(60_000);
		expect((await get(sandbox(), `/calls/${String(reply.json.unique_id)}`)).json.call_status).toBe(
			'failed',
		);
		expect(sandbox().control.calls()[0]).toMatchObject({ status: 'failed', end_reason: 'busy' });
	});
});

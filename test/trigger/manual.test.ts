import {
	finishedCall,
	HOUR,
	idsOf,
	listRequests,
	liveCall,
	MINUTE,
	seed,
	useTriggerSandbox,
	triggerFor,
} from './helpers';

describe('Agentive Voice Trigger: Fetch Test Event (manual mode)', () => {
	const sandbox = useTriggerSandbox();

	it('returns the most recent matching finished call, however old, as List calls shows it', async () => {
		seed(sandbox(), [finishedCall(sandbox(), 30 * 24 * HOUR, { status: 'missed' })]);
		const [recent] = seed(sandbox(), [
			finishedCall(sandbox(), 3 * 24 * HOUR, { status: 'completed', reference_id: 'order-1' }),
		]);
		seed(sandbox(), [finishedCall(sandbox(), 10 * 24 * HOUR, { status: 'failed' })]);
		seed(sandbox(), [liveCall(sandbox(), MINUTE, HOUR)]);
		sandbox().control.clearLog();

		const result = await triggerFor(sandbox()).fetchTestEvent();
		expect(result.error).toBeUndefined();
		expect(idsOf(result.calls)).toEqual([recent]);
		const listed = sandbox()
			.control.calls()
			.find((call) => call.unique_id === recent);
		expect(result.calls[0]).toEqual(listed);
		// One request per selected event (completed, failed).
		expect(
			listRequests(sandbox())
				.map((entry) => entry.query.status)
				.sort(),
		).toEqual(['completed', 'failed']);
	});

	it('honours the events and the campaign filter', async () => {
		const [missed] = seed(sandbox(), [
			finishedCall(sandbox(), 2 * HOUR, { status: 'missed', campaign_id: 9001 }),
		]);
		seed(sandbox(), [finishedCall(sandbox(), HOUR, { status: 'missed', campaign_id: 9002 })]);
		seed(sandbox(), [finishedCall(sandbox(), MINUTE, { status: 'completed', campaign_id: 9001 })]);
		const result = await triggerFor(sandbox(), {
			events: ['missed'],
			filters: { campaignId: 9001 },
		}).fetchTestEvent();
		expect(idsOf(result.calls)).toEqual([missed]);
	});

	it('writes no state, so activation still starts with a baseline', async () => {
		seed(sandbox(), [finishedCall(sandbox(), MINUTE)]);
		const trigger = triggerFor(sandbox());
		const result = await trigger.fetchTestEvent();
		expect(result.calls).toHaveLength(1);
		expect(result.staticDataAfter).toEqual({});
		expect((await trigger.poll()).emitted).toBe(false);
	});

	it('explains what to do when no finished call matches yet', async () => {
		seed(sandbox(), [liveCall(sandbox(), 0, HOUR)]);
		const result = await triggerFor(sandbox()).fetchTestEvent();
		expect(result.calls).toEqual([]);
		expect(result.error?.message).toBe('No finished call matches these events and filters yet');
	});
});

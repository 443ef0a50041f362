import {
	finishedCall,
	idsOf,
	listRequests,
	liveCall,
	MINUTE,
	seed,
	useTriggerSandbox,
	triggerFor,
} from './helpers';

describe('Agentive Voice Trigger: events and filters', () => {
	const sandbox = useTriggerSandbox();

	/** One call of each terminal status, all finishing after the baseline. */
	async function outcomesAfterBaseline(events?: string[]): Promise<Record<string, string>> {
		const trigger = triggerFor(sandbox(), events ? { events } : {});
		await trigger.poll();
		const [completed, failed, missed] = seed(sandbox(), [
			liveCall(sandbox(), 0, MINUTE, { status: 'completed' }),
			liveCall(sandbox(), 0, MINUTE, { status: 'failed', end_reason: 'busy' }),
			liveCall(sandbox(), 0, MINUTE, { status: 'missed' }),
		]);
		await trigger.poll();
		sandbox().control.advanceClock(2 * MINUTE);
		const poll = await trigger.poll();
		const byId: Record<string, string> = {
			[completed]: 'completed',
			[failed]: 'failed',
			[missed]: 'missed',
		};
		return Object.fromEntries(idsOf(poll.calls).map((id) => [id, byId[id]]));
	}

	it('defaults to completed and failed', async () => {
		expect(Object.values(await outcomesAfterBaseline()).sort()).toEqual(['completed', 'failed']);
	});

	it.each([['completed'], ['failed'], ['missed']])(
		'emits only %s calls when only that event is selected',
		async (status) => {
			expect(Object.values(await outcomesAfterBaseline([status]))).toEqual([status]);
		},
	);

	it('emits all three when all are selected', async () => {
		expect(
			Object.values(await outcomesAfterBaseline(['completed', 'failed', 'missed'])).sort(),
		).toEqual(['completed', 'failed', 'missed']);
	});

	it('sends direction and number to List calls, and filters campaign_id itself', async () => {
		const trigger = triggerFor(sandbox(), {
			filters: { direction: 'outbound', number: '98123 45678', campaignId: 4821 },
		});
		await trigger.poll();
		const ids = seed(sandbox(), [
			finishedCall(sandbox(), 0, { number: '9812345678', campaign_id: 4821 }),
			finishedCall(sandbox(), 0, { number: '9812345678', campaign_id: 4821 }),
			finishedCall(sandbox(), 0, { number: '9812345678', campaign_id: 77 }),
			finishedCall(sandbox(), 0, { number: '9812345678', direction: 'inbound', campaign_id: 4821 }),
			finishedCall(sandbox(), 0, { number: '9898989898', campaign_id: 4821 }),
		]);
		sandbox().control.clearLog();
		const poll = await trigger.poll();
		expect(idsOf(poll.calls).sort()).toEqual([ids[0], ids[1]].sort());
		const [request] = listRequests(sandbox());
		expect(request.query).toMatchObject({ direction: 'outbound', number: '+919812345678' });
		expect(request.query).not.toHaveProperty('campaign_id');
		expect(request.query).not.toHaveProperty('status');
	});

	it('starts a new baseline when the events or filters change, so earlier calls are not replayed', async () => {
		const trigger = triggerFor(sandbox(), { events: ['completed'] });
		await trigger.poll();
		const [missed] = seed(sandbox(), [finishedCall(sandbox(), 0, { status: 'missed' })]);
		expect((await trigger.poll()).emitted).toBe(false);

		trigger.setParameters({ events: ['completed', 'missed'] });
		expect((await trigger.poll()).emitted).toBe(false);
		sandbox().control.advanceClock(MINUTE);
		const [next] = seed(sandbox(), [finishedCall(sandbox(), 0, { status: 'missed' })]);
		const poll = await trigger.poll();
		expect(idsOf(poll.calls)).toEqual([next]);
		expect(idsOf(poll.calls)).not.toContain(missed);
	});

	it('fails the poll with a clear message on a number that is not an Indian mobile', async () => {
		sandbox().control.clearLog();
		const poll = await triggerFor(sandbox(), { filters: { number: '07965318581' } }).poll();
		expect(poll.error?.message).toBe(
			'Invalid Filters › Phone Number "07965318581": expected an Indian mobile number such as 9812345678, 919812345678 or +919812345678 (spaces and dashes are ignored)',
		);
		expect(listRequests(sandbox())).toEqual([]);
	});

	it('fails the poll with a clear message when no event is selected', async () => {
		const trigger = triggerFor(sandbox(), { events: [] });
		const poll = await trigger.poll();
		expect(poll.error?.message).toBe('Select at least one event');
	});
});

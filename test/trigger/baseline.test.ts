import {
	finishedCall,
	HOUR,
	idsOf,
	listRequests,
	liveCall,
	MINUTE,
	seed,
	useTriggerSandbox,
	trackerOf,
	triggerFor,
} from './helpers';

describe('Agentive Voice Trigger: the baseline after activation', () => {
	const sandbox = useTriggerSandbox();

	it('emits nothing old on the first poll, then only calls that finish after it', async () => {
		seed(sandbox(), [finishedCall(sandbox(), 10 * MINUTE)]);
		const [inProgress] = seed(sandbox(), [liveCall(sandbox(), 2 * MINUTE, 3 * MINUTE)]);
		const [justFinished] = seed(sandbox(), [finishedCall(sandbox(), MINUTE)]);
		const trigger = triggerFor(sandbox());

		const baseline = await trigger.poll();
		expect(baseline.error).toBeUndefined();
		expect(baseline.emitted).toBe(false);
		// Already finished at activation, and still inside the next window: remembered, not emitted.
		expect(Object.keys(trackerOf(trigger).seen)).toEqual([justFinished]);
		// The call in progress is inside the recent part (2 minutes before the newest call): no range needed.
		expect(trackerOf(trigger).follow).toEqual([]);

		sandbox().control.advanceClock(MINUTE);
		const [newCall] = seed(sandbox(), [finishedCall(sandbox(), 0)]);
		const second = await trigger.poll();
		expect(idsOf(second.calls)).toEqual([newCall]);

		// The call that was in progress at activation finished after it: it counts, once.
		sandbox().control.advanceClock(3 * MINUTE);
		const third = await trigger.poll();
		expect(idsOf(third.calls)).toEqual([inProgress]);
		expect((await trigger.poll()).emitted).toBe(false);
	});

	it('records "now" from the API and reads only back to the lookback on a big history', async () => {
		// 1,000 finished calls over the last 10 hours; the default lookback is 2 hours.
		const now = sandbox().control.now();
		seed(
			sandbox(),
			Array.from({ length: 1000 }, (_, i) => ({
				status: 'completed' as const,
				created_at: now - i * 36_000,
			})),
		);
		sandbox().control.clearLog();
		const trigger = triggerFor(sandbox());

		const baseline = await trigger.poll();
		expect(baseline.emitted).toBe(false);
		expect(trackerOf(trigger).latestMs).toBe(Math.floor(now / 1000) * 1000);
		// 2 h of calls = 200 calls = 2 pages, plus at most one page to see past the boundary.
		expect(listRequests(sandbox()).length).toBeLessThanOrEqual(3);
		expect(listRequests(sandbox())[0].query).not.toHaveProperty('from');

		sandbox().control.clearLog();
		expect((await trigger.poll()).emitted).toBe(false);
		const [idle] = listRequests(sandbox());
		expect(listRequests(sandbox())).toHaveLength(1);
		// from is an explicit IST instant, the settle margin before the newest call.
		expect(idle.query.from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:30$/);
		expect(Date.parse(idle.query.from)).toBe(Math.floor(now / 1000) * 1000 - 2 * MINUTE);
	});

	it('starts from an empty account: every call listed later is new', async () => {
		const trigger = triggerFor(sandbox(), { events: ['completed', 'failed', 'missed'] });
		expect((await trigger.poll()).emitted).toBe(false);
		expect(trackerOf(trigger).latestMs).toBeNull();

		sandbox().control.advanceClock(HOUR);
		const ids = seed(sandbox(), [
			finishedCall(sandbox(), 5 * MINUTE, { status: 'missed' }),
			finishedCall(sandbox(), MINUTE, { status: 'failed' }),
		]);
		expect(idsOf((await trigger.poll()).calls)).toEqual(ids);
	});
});

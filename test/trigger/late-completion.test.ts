import type { SeedCallSpec } from '../../sandbox';
import {
	finishedCall,
	HOUR,
	idsOf,
	listRequests,
	liveCall,
	MINUTE,
	nextPollLists,
	seed,
	useTriggerSandbox,
	trackerOf,
	triggerFor,
} from './helpers';

describe('Agentive Voice Trigger: calls that finish after the poll that first saw them', () => {
	const sandbox = useTriggerSandbox();

	it('emits a call created before the last poll once it finishes, exactly once', async () => {
		const trigger = triggerFor(sandbox());
		await trigger.poll();

		sandbox().control.advanceClock(MINUTE);
		// Created now, in progress for 20 minutes: well past several polls and the settle margin.
		const [longCall] = seed(sandbox(), [liveCall(sandbox(), 0, 20 * MINUTE)]);
		for (let minute = 0; minute < 19; minute++) {
			const poll = await trigger.poll();
			expect(poll.emitted).toBe(false);
			sandbox().control.advanceClock(MINUTE);
		}
		sandbox().control.advanceClock(MINUTE);
		const finished = await trigger.poll();
		expect(idsOf(finished.calls)).toEqual([longCall]);
		expect(finished.calls[0]).toMatchObject({
			status: 'completed',
			end_reason: 'completed',
			duration_sec: 5,
		});

		// completed stays completed: later polls list it again and emit nothing.
		for (let i = 0; i < 3; i++) {
			sandbox().control.advanceClock(MINUTE);
			expect((await trigger.poll()).emitted).toBe(false);
		}
		expect(trackerOf(trigger).follow).toEqual([]);
	});

	it('re-reads an older unfinished call through a narrow created_at range, not every call since it', async () => {
		const trigger = triggerFor(sandbox());
		await trigger.poll();
		const [slow] = seed(sandbox(), [liveCall(sandbox(), 0, 90 * MINUTE)]);
		const createdSec = Math.floor(sandbox().control.now() / 1000);
		await trigger.poll();

		// 500 short calls after it, 10 a minute for 50 minutes, polled every minute.
		let splitAt: number | undefined;
		for (let minute = 0; minute < 50; minute++) {
			sandbox().control.advanceClock(MINUTE);
			const now = sandbox().control.now();
			seed(
				sandbox(),
				Array.from({ length: 10 }, (_, i) =>
					finishedCall(sandbox(), 0, { created_at: now - 55_000 + i * 5000 }),
				),
			);
			sandbox().control.clearLog();
			const poll = await trigger.poll();
			expect(poll.calls).toHaveLength(10);
			expect(nextPollLists(trackerOf(trigger), createdSec * 1000)).toBe(true);
			if (splitAt !== undefined) {
				// One request for the recent part, one for the range: not the 100s of calls since the slow one.
				const requests = listRequests(sandbox());
				expect(requests).toHaveLength(2);
				expect(Date.parse(requests[1].query.from)).toBe(createdSec * 1000);
				expect(Date.parse(requests[1].query.to)).toBe((createdSec + 1) * 1000);
			}
			// While few calls lie between them, the recent part simply starts at the slow call.
			if (splitAt === undefined && trackerOf(trigger).follow.length > 0) splitAt = minute;
		}
		expect(trackerOf(trigger).follow).toEqual([[createdSec, createdSec + 1]]);
		expect(splitAt).toBeLessThanOrEqual(10);
		sandbox().control.advanceClock(41 * MINUTE);
		expect(idsOf((await trigger.poll()).calls)).toContain(slow);
		expect(trackerOf(trigger).follow).toEqual([]);
	});

	it('lists a burst of unfinished calls as one range, and keeps at most three ranges', async () => {
		const trigger = triggerFor(sandbox());
		await trigger.poll();
		// Five bursts of 10 long calls, each after 100 short finished calls; then 100 more.
		const start = sandbox().control.now() - 60 * MINUTE;
		const specs: SeedCallSpec[] = [];
		for (let b = 0; b < 6; b++) {
			const base = start + b * 10 * MINUTE;
			for (let i = 0; i < 100; i++)
				specs.push({ status: 'completed', created_at: base + i * 5000 });
			if (b < 5)
				for (let i = 0; i < 10; i++)
					specs.push({
						status: 'completed',
						created_at: base + 9 * MINUTE + i * 1000,
						finishAt: sandbox().control.now() + HOUR,
					});
		}
		seed(sandbox(), specs);
		await trigger.poll();
		const tracker = trackerOf(trigger);
		expect(tracker.follow.length).toBeGreaterThan(0);
		expect(tracker.follow.length).toBeLessThanOrEqual(3);
		for (const call of sandbox()
			.control.calls()
			.filter((c) => c.status !== 'completed')) {
			expect(nextPollLists(tracker, Date.parse(String(call.created_at)))).toBe(true);
		}
		sandbox().control.clearLog();
		expect((await trigger.poll()).emitted).toBe(false);
		// Never more than reading everything since the first burst would cost.
		const sinceFirstBurst = sandbox()
			.control.calls()
			.filter((c) => Date.parse(String(c.created_at)) >= start + 9 * MINUTE).length;
		expect(listRequests(sandbox()).length).toBeLessThanOrEqual(Math.ceil(sinceFirstBurst / 100));
		sandbox().control.advanceClock(HOUR);
		expect((await trigger.poll()).calls).toHaveLength(50);
	});

	it('stops following a call once newer calls show it is older than the lookback', async () => {
		const trigger = triggerFor(sandbox(), { options: { lookbackMinutes: 30 } });
		await trigger.poll();
		const [stuck] = seed(sandbox(), [liveCall(sandbox(), 0, 3 * HOUR)]);
		const createdMs = sandbox().control.now();
		sandbox().control.advanceClock(10 * MINUTE);
		seed(sandbox(), [finishedCall(sandbox(), 0)]);
		await trigger.poll();
		expect(nextPollLists(trackerOf(trigger), createdMs)).toBe(true);

		sandbox().control.advanceClock(31 * MINUTE);
		const [fresh] = seed(sandbox(), [finishedCall(sandbox(), 0)]);
		expect(idsOf((await trigger.poll()).calls)).toEqual([fresh]);
		// Measured against the newest created_at, the stuck call is now past the lookback.
		expect(nextPollLists(trackerOf(trigger), createdMs)).toBe(false);

		sandbox().control.advanceClock(3 * HOUR);
		const late = await trigger.poll();
		expect(idsOf(late.calls)).not.toContain(stuck);
	});

	it('follows an unfinished call however long the account stays quiet (the API clock has not moved)', async () => {
		const trigger = triggerFor(sandbox(), { options: { lookbackMinutes: 30 } });
		await trigger.poll();
		const [quiet] = seed(sandbox(), [liveCall(sandbox(), 0, 5 * HOUR)]);
		await trigger.poll();
		sandbox().control.advanceClock(5 * HOUR);
		expect(idsOf((await trigger.poll()).calls)).toEqual([quiet]);
	});
});

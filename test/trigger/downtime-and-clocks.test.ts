import {
	finishedCall,
	HOUR,
	idsOf,
	liveCall,
	MINUTE,
	seed,
	useTriggerSandbox,
	trackerOf,
	triggerFor,
} from './helpers';

describe('Agentive Voice Trigger: n8n down, restarts', () => {
	const sandbox = useTriggerSandbox();

	it('after an outage longer than the lookback, emits every call that finished meanwhile, once', async () => {
		const trigger = triggerFor(sandbox(), { options: { lookbackMinutes: 60 } });
		await trigger.poll();
		const saved = trigger.savedStaticData();

		// Five hours without polls: 300 calls, one a minute, each finishing within 10 minutes.
		const ids: string[] = [];
		for (let minute = 0; minute < 300; minute++) {
			sandbox().control.advanceClock(MINUTE);
			ids.push(
				...seed(sandbox(), [
					liveCall(sandbox(), 0, (minute % 10) * MINUTE, {
						status: minute % 2 ? 'completed' : 'failed',
					}),
				]),
			);
		}
		// One call started 3 hours ago and is still running: past the 60-minute lookback.
		const [marathon] = seed(sandbox(), [liveCall(sandbox(), 3 * HOUR, HOUR)]);
		sandbox().control.advanceClock(15 * MINUTE);

		trigger.restart(saved);
		const catchUp = await trigger.poll();
		expect(catchUp.error).toBeUndefined();
		expect(idsOf(catchUp.calls)).toEqual(ids);

		// The marathon call finishes later, more than the lookback after its creation: not reported.
		sandbox().control.advanceClock(HOUR);
		expect(idsOf((await trigger.poll()).calls)).not.toContain(marathon);
	});

	it('keeps following a call across a restart (static data through JSON)', async () => {
		const trigger = triggerFor(sandbox());
		await trigger.poll();
		const [call] = seed(sandbox(), [liveCall(sandbox(), 0, 10 * MINUTE)]);
		await trigger.poll();
		trigger.restart();
		sandbox().control.advanceClock(11 * MINUTE);
		expect(idsOf((await trigger.poll()).calls)).toEqual([call]);
		trigger.restart();
		expect((await trigger.poll()).emitted).toBe(false);
	});

	it('after a crash back to the save of the last emitting poll, emits nothing twice', async () => {
		const trigger = triggerFor(sandbox());
		await trigger.poll();
		const [first] = seed(sandbox(), [finishedCall(sandbox(), 0)]);
		const [second] = seed(sandbox(), [liveCall(sandbox(), 0, 5 * MINUTE)]);
		expect(idsOf((await trigger.poll()).calls)).toEqual([first]);
		const savedAtEmit = trigger.savedStaticData();
		for (let i = 0; i < 3; i++) {
			sandbox().control.advanceClock(MINUTE);
			expect((await trigger.poll()).emitted).toBe(false);
		}
		trigger.restart(savedAtEmit);
		sandbox().control.advanceClock(5 * MINUTE);
		expect(idsOf((await trigger.poll()).calls)).toEqual([second]);
	});
});

describe.each([
	['3 days behind', -3 * 24 * HOUR],
	['3 days ahead of', 3 * 24 * HOUR],
])('Agentive Voice Trigger: the API clock %s the n8n host', (_label, offsetMs) => {
	const sandbox = useTriggerSandbox({ clock: { mode: 'manual', startMs: Date.now() + offsetMs } });

	it('neither misses nor repeats calls: windows come from created_at, not the host clock', async () => {
		const trigger = triggerFor(sandbox());
		seed(sandbox(), [finishedCall(sandbox(), MINUTE)]);
		const [late] = seed(sandbox(), [liveCall(sandbox(), MINUTE, 5 * MINUTE)]);
		await trigger.poll();
		expect(trackerOf(trigger).latestMs).toBe(
			Math.floor((sandbox().control.now() - MINUTE) / 1000) * 1000,
		);
		sandbox().control.advanceClock(MINUTE);
		const [fresh] = seed(sandbox(), [finishedCall(sandbox(), 0)]);
		expect(idsOf((await trigger.poll()).calls)).toEqual([fresh]);
		sandbox().control.advanceClock(5 * MINUTE);
		expect(idsOf((await trigger.poll()).calls)).toEqual([late]);
		expect((await trigger.poll()).emitted).toBe(false);
	});
});

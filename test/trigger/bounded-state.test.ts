import type { SeedCallSpec } from '../../sandbox';
import { listRequests, MINUTE, seed, useTriggerSandbox, trackerOf, triggerFor } from './helpers';

describe('Agentive Voice Trigger: static data stays bounded', () => {
	const sandbox = useTriggerSandbox();

	it('holds only the current window after 10,000 calls, not every call ever emitted', async () => {
		const trigger = triggerFor(sandbox(), { events: ['completed', 'failed', 'missed'] });
		await trigger.poll();
		const statuses = ['completed', 'failed', 'missed'] as const;
		let emitted = 0;
		let largestState = 0;
		let largestSeen = 0;
		let requests = 0;
		let mostRequests = 0;
		// 10,000 calls, 20 every 5 minutes, each 30 s to 4 min long; a poll every 5 minutes.
		for (let batch = 0; batch < 500; batch++) {
			const now = sandbox().control.now();
			const specs: SeedCallSpec[] = Array.from({ length: 20 }, (_, i) => ({
				status: statuses[(batch + i) % 3],
				created_at: now + i * 15_000,
				finishAt: now + i * 15_000 + 30_000 + ((batch * 7 + i * 13) % 210) * 1000,
			}));
			sandbox().control.advanceClock(5 * MINUTE);
			seed(sandbox(), specs);
			sandbox().control.clearLog();
			const poll = await trigger.poll();
			requests += listRequests(sandbox()).length;
			mostRequests = Math.max(mostRequests, listRequests(sandbox()).length);
			expect(poll.error).toBeUndefined();
			emitted += poll.calls.length;
			largestState = Math.max(largestState, JSON.stringify(trigger.savedStaticData()).length);
			largestSeen = Math.max(largestSeen, Object.keys(trackerOf(trigger).seen).length);
		}
		sandbox().control.advanceClock(10 * MINUTE);
		emitted += (await trigger.poll()).calls.length;

		console.log(
			`bounded: 10000 calls in 500 polls; largest state ${largestState} bytes, ${largestSeen} seen ids; ` +
				`List calls requests per poll: mean ${(requests / 500).toFixed(2)}, max ${mostRequests}`,
		);
		expect(emitted).toBe(10_000);
		// The window is the settle margin plus the calls still in progress: a few dozen entries.
		expect(largestSeen).toBeLessThanOrEqual(60);
		expect(largestState).toBeLessThan(4_000);
	}, 120_000);
});

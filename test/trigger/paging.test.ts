import type { SeedCallSpec } from '../../sandbox';
import {
	idsOf,
	listRequests,
	MINUTE,
	seed,
	useTriggerSandbox,
	startProxy,
	trackerOf,
	triggerFor,
} from './helpers';

describe('Agentive Voice Trigger: many calls per poll', () => {
	const sandbox = useTriggerSandbox();

	it('emits every call finished across several pages, oldest first, in ceil(K/100)+1 requests at most', async () => {
		const trigger = triggerFor(sandbox());
		await trigger.poll();
		sandbox().control.advanceClock(10 * MINUTE);

		// 250 calls over the last 5 minutes, several per second, all finished.
		const now = sandbox().control.now();
		const specs: SeedCallSpec[] = Array.from({ length: 250 }, (_, i) => ({
			status: i % 5 === 0 ? 'failed' : 'completed',
			created_at: now - 5 * MINUTE + i * 1000,
		}));
		const ids = seed(sandbox(), specs);
		sandbox().control.clearLog();

		const poll = await trigger.poll();
		expect(poll.error).toBeUndefined();
		expect(idsOf(poll.calls)).toEqual(ids);
		expect(new Set(idsOf(poll.calls)).size).toBe(250);
		const requests = listRequests(sandbox());
		expect(requests.length).toBeLessThanOrEqual(Math.ceil(250 / 100) + 1);
		expect(requests.map((entry) => entry.query.per_page)).toEqual(requests.map(() => '100'));

		expect((await trigger.poll()).emitted).toBe(false);
	});

	it('neither skips nor repeats a call when new calls arrive between its page requests', async () => {
		let burst: () => void = () => {};
		const proxy = await startProxy(sandbox(), (url) => {
			if (url.pathname.endsWith('/calls') && url.searchParams.get('page') === '1') burst();
		});
		try {
			const trigger = triggerFor(sandbox(), {}, proxy.url);
			await trigger.poll();
			sandbox().control.advanceClock(MINUTE);
			const now = sandbox().control.now();
			const first = seed(
				sandbox(),
				Array.from({ length: 150 }, (_, i) => ({
					status: 'completed' as const,
					created_at: now - 60_000 + i * 100,
				})),
			);

			// 30 calls land right after page 1 is served: page 2 then starts 30 calls further up.
			let injected: string[] = [];
			burst = () => {
				burst = () => {};
				injected = seed(
					sandbox(),
					Array.from({ length: 30 }, () => ({ status: 'completed' as const, created_at: now })),
				);
			};
			sandbox().control.clearLog();
			const result = await trigger.poll();
			expect(injected).toHaveLength(30);
			expect(listRequests(sandbox()).length).toBeGreaterThanOrEqual(2);
			const later = await trigger.poll();
			const all = [...idsOf(result.calls), ...idsOf(later.calls)];
			expect(new Set(all).size).toBe(all.length);
			expect(new Set(all)).toEqual(new Set([...first, ...injected]));
		} finally {
			await proxy.close();
		}
	});

	it('keeps the static data to the calls of the current window', async () => {
		const trigger = triggerFor(sandbox());
		await trigger.poll();
		for (let minute = 0; minute < 30; minute++) {
			sandbox().control.advanceClock(MINUTE);
			const now = sandbox().control.now();
			seed(
				sandbox(),
				Array.from({ length: 20 }, (_, i) => ({
					status: 'completed' as const,
					created_at: now - 59_000 + i * 3000,
				})),
			);
			await trigger.poll();
		}
		// 2 minutes of settle margin at 20 calls a minute: about 40 entries, not 600.
		expect(Object.keys(trackerOf(trigger).seen).length).toBeLessThanOrEqual(45);
	});
});

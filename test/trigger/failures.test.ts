import { NodeApiError } from 'n8n-workflow';

import type { FaultKind } from '../../sandbox';
import type { TriggerHarness } from '../harness/poll';
import {
	idsOf,
	listRequests,
	liveCall,
	MINUTE,
	seed,
	useTriggerSandbox,
	startProxy,
	triggerFor,
} from './helpers';

/** One-second request timeout, so a hanging request fails the poll quickly. */
const FAST = { options: { requestTimeout: 1 } };

const FAULTS: Array<[FaultKind, RegExp]> = [
	['status500', /error 500/],
	['status503', /error 503/],
	['reset', /Could not reach the Agentive Voice API/],
	['hang', /Could not reach the Agentive Voice API/],
	['html', /502/],
];

describe('Agentive Voice Trigger: failed polls', () => {
	const sandbox = useTriggerSandbox();

	/** A baselined trigger with one call pending and 150 finished since: two pages to read. */
	async function withBacklog(trigger: TriggerHarness): Promise<string[]> {
		const [pending] = seed(sandbox(), [liveCall(sandbox(), 0, 2 * MINUTE)]);
		await trigger.poll();
		sandbox().control.advanceClock(3 * MINUTE);
		const now = sandbox().control.now();
		const fresh = seed(
			sandbox(),
			Array.from({ length: 150 }, (_, i) => ({
				status: 'completed' as const,
				created_at: now - 60_000 + i * 100,
			})),
		);
		return [pending, ...fresh];
	}

	it.each(FAULTS)(
		'a %s on the first page throws, keeps the state, and the next poll catches up',
		async (kind, message) => {
			const trigger = triggerFor(sandbox(), FAST);
			const expected = await withBacklog(trigger);
			const before = trigger.savedStaticData();

			sandbox().control.injectFault({ kind, method: 'GET', pathRegex: '^/calls$' });
			const failed = await trigger.poll();
			expect(failed.emitted).toBe(false);
			expect(failed.error).toBeInstanceOf(NodeApiError);
			expect(failed.error?.message).toMatch(message);
			expect(trigger.savedStaticData()).toEqual(before);

			const recovered = await trigger.poll();
			expect(recovered.error).toBeUndefined();
			expect(new Set(idsOf(recovered.calls))).toEqual(new Set(expected));
			expect(recovered.calls).toHaveLength(expected.length);
			expect((await trigger.poll()).emitted).toBe(false);
		},
	);

	it.each(FAULTS)(
		'a %s on the second page emits nothing from the first, and the next poll emits all once',
		async (kind) => {
			let armed = false;
			const proxy = await startProxy(sandbox(), (url) => {
				if (armed && url.searchParams.get('page') === '1') {
					armed = false;
					sandbox().control.injectFault({ kind, method: 'GET', pathRegex: '^/calls$' });
				}
			});
			try {
				const trigger = triggerFor(sandbox(), FAST, proxy.url);
				const expected = await withBacklog(trigger);
				const before = trigger.savedStaticData();
				armed = true;
				sandbox().control.clearLog();

				const failed = await trigger.poll();
				expect(failed.error).toBeInstanceOf(NodeApiError);
				expect(failed.emitted).toBe(false);
				expect(listRequests(sandbox()).map((entry) => entry.query.page)).toEqual(['1', '2']);
				expect(trigger.savedStaticData()).toEqual(before);

				const recovered = await trigger.poll();
				expect(recovered.calls).toHaveLength(expected.length);
				expect(new Set(idsOf(recovered.calls))).toEqual(new Set(expected));
			} finally {
				await proxy.close();
			}
		},
	);

	it('a poll that starts while another is still running steps aside instead of emitting twice', async () => {
		const trigger = triggerFor(sandbox(), FAST);
		const expected = await withBacklog(trigger);
		sandbox().control.injectFault({ kind: 'hang', method: 'GET', pathRegex: '^/calls$' });
		sandbox().control.clearLog();

		const slow = trigger.poll();
		const overlapping = await trigger.poll();
		expect(overlapping).toEqual({ calls: [], emitted: false, error: undefined });
		expect((await slow).error).toBeInstanceOf(NodeApiError);
		expect(listRequests(sandbox())).toHaveLength(1);

		const next = await trigger.poll();
		expect(next.calls).toHaveLength(expected.length);
	});
});

describe('Agentive Voice Trigger: the account rate limit', () => {
	const sandbox = useTriggerSandbox({ rateLimit: { limit: 3, windowMs: 60_000 } });

	it('throws on a 429 it cannot wait out within the timeout, keeps the state, and catches up later', async () => {
		const trigger = triggerFor(sandbox(), FAST);
		await trigger.poll();
		const [call] = seed(sandbox(), [liveCall(sandbox(), 0, MINUTE)]);
		sandbox().control.advanceClock(2 * MINUTE);
		await trigger.poll(); // a new window: 1 of 3
		await trigger.poll(); // 2 of 3
		await trigger.poll(); // 3 of 3 (emits the call)
		const [next] = seed(sandbox(), [liveCall(sandbox(), 0, 0)]);
		const before = trigger.savedStaticData();

		const limited = await trigger.poll();
		expect(limited.error).toBeInstanceOf(NodeApiError);
		expect((limited.error as NodeApiError).httpCode).toBe('429');
		expect(trigger.savedStaticData()).toEqual(before);

		// The sandbox's window resets on its own (manual) clock. This process also remembers the
		// window against the host clock, keyed by base URL, so the next poll goes through a proxy URL.
		sandbox().control.advanceClock(MINUTE);
		const proxy = await startProxy(sandbox(), () => {});
		try {
			const later = triggerFor(sandbox(), FAST, proxy.url);
			later.restart(trigger.savedStaticData());
			const caughtUp = await later.poll();
			expect(caughtUp.error).toBeUndefined();
			expect(idsOf(caughtUp.calls)).toEqual([next]);
			expect(idsOf(caughtUp.calls)).not.toContain(call);
		} finally {
			await proxy.close();
		}
	});
});

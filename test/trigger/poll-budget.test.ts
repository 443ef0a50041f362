/**
 * n8n 2.x gives each poll a budget (IPollFunctions.getPollBudgetMs) and the durable scheduler
 * abandons a poll past it. A catch-up of thousands of calls under a small budget takes several
 * polls: each stops paging in time, emits what it listed and leaves the rest as a backlog, and
 * across the polls every call is emitted once. Pages are slowed by a proxy so the budget runs out
 * after a few of them, whatever the machine's speed.
 */
import type { IDataObject } from 'n8n-workflow';

import type { SeedCallSpec } from '../../sandbox';
import { apiCredentials } from '../harness/engine';
import { TriggerHarness } from '../harness/poll';
import { idsOf, MINUTE, seed, startProxy, useTriggerSandbox } from './helpers';

const PAGE_DELAY_MS = 25;
const BUDGET_MS = 200;

interface Tracker {
	backlog?: Array<[number, number]>;
	baselineBefore?: number;
	seen: Record<string, number>;
}

describe('Agentive Voice Trigger: the poll budget of n8n 2.x', () => {
	const sandbox = useTriggerSandbox();
	let proxy: { url: string; close(): Promise<void> };
	beforeAll(async () => {
		proxy = await startProxy(sandbox(), undefined, PAGE_DELAY_MS);
	});
	afterAll(async () => await proxy.close());

	const triggerWith = (pollBudgetMs: number | null, parameters: IDataObject = {}) =>
		new TriggerHarness({
			parameters,
			credentials: apiCredentials({ ...sandbox(), url: proxy.url }),
			pollBudgetMs,
		});
	const trackerOf = (trigger: TriggerHarness) => trigger.nodeStaticData().callTracker as Tracker;

	/** `count` calls, one every `spacingMs` up to now; every 3rd of the last 60 still running for 30 minutes. */
	function backlogOf(count: number, spacingMs: number): { finished: string[]; live: string[] } {
		const now = sandbox().control.now();
		const isLive = (i: number) => i >= count - 60 && i % 3 === 0;
		const specs: SeedCallSpec[] = Array.from({ length: count }, (_, i) => ({
			status: (['completed', 'failed', 'missed'] as const)[i % 3],
			created_at: now - (count - i) * spacingMs,
			...(isLive(i) ? { finishAt: now + 30 * MINUTE } : {}),
		}));
		const ids = seed(sandbox(), specs);
		return {
			finished: ids.filter((_, i) => !isLive(i)),
			live: ids.filter((_, i) => isLive(i)),
		};
	}

	/**
	 * Polls once a minute (sandbox time) until a poll ends with no backlog; every emitted id. Every
	 * other poll runs after a restart of n8n (static data through JSON).
	 */
	async function drain(trigger: TriggerHarness): Promise<{ emitted: string[]; polls: number }> {
		const emitted: string[] = [];
		let polls = 0;
		do {
			if (polls % 2 === 1) trigger.restart();
			const poll = await trigger.poll();
			expect(poll.error).toBeUndefined();
			emitted.push(...idsOf(poll.calls));
			polls++;
			sandbox().control.advanceClock(MINUTE);
		} while (trackerOf(trigger).backlog !== undefined && polls < 200);
		return { emitted, polls };
	}

	it('catches up on 3,000 calls over several polls, each call emitted once, then the live ones as they finish', async () => {
		const trigger = triggerWith(BUDGET_MS, { events: ['completed', 'failed', 'missed'] });
		await trigger.poll();
		sandbox().control.advanceClock(MINUTE);
		// n8n was down for 10 hours: 3,000 calls, one every 12 seconds.
		const { finished, live } = backlogOf(3000, 12_000);

		const first = await trigger.poll();
		expect(first.emitted).toBe(true);
		expect(trackerOf(trigger).backlog?.length).toBeGreaterThan(0);
		const rest = await drain(trigger);
		const emitted = [...idsOf(first.calls), ...rest.emitted];
		console.info(`catch-up of 3,000 calls: ${rest.polls + 1} polls under a ${BUDGET_MS} ms budget`);

		expect(rest.polls).toBeGreaterThanOrEqual(2);
		expect(emitted).toHaveLength(finished.length);
		expect(new Set(emitted)).toEqual(new Set(finished));

		// The calls that were still running finish later: each emitted once, nothing else again.
		sandbox().control.advanceClock(30 * MINUTE);
		const later = (await drain(trigger)).emitted;
		expect(later.sort()).toEqual([...live].sort());
		expect((await trigger.poll()).emitted).toBe(false);
	});

	it('a baseline cut short finishes over the next polls: emits no call that was already finished, and the running ones when they finish', async () => {
		// 1,500 calls in the last 100 minutes, within the 120-minute lookback.
		const { live } = backlogOf(1500, 4000);
		const trigger = triggerWith(BUDGET_MS, { events: ['completed', 'failed', 'missed'] });

		const baseline = await trigger.poll();
		expect(baseline.emitted).toBe(false);
		expect(trackerOf(trigger).baselineBefore).toBeDefined();
		expect((await drain(trigger)).emitted).toEqual([]);
		expect(trackerOf(trigger).baselineBefore).toBeUndefined();

		sandbox().control.advanceClock(30 * MINUTE);
		const later = (await drain(trigger)).emitted;
		expect(later.sort()).toEqual([...live].sort());
	});

	it('stops on a whole second when seven calls share each second and pages end mid-second', async () => {
		const trigger = triggerWith(2 * BUDGET_MS, { events: ['completed', 'failed', 'missed'] });
		await trigger.poll();
		sandbox().control.advanceClock(MINUTE);
		const now = sandbox().control.now();
		const ids = seed(
			sandbox(),
			Array.from({ length: 2100 }, (_, i) => ({
				status: 'completed' as const,
				created_at: now - 300_000 + Math.floor(i / 7) * 1000,
			})),
		);
		const { emitted, polls } = await drain(trigger);
		expect(polls).toBeGreaterThanOrEqual(2);
		expect(emitted).toHaveLength(ids.length);
		expect(new Set(emitted)).toEqual(new Set(ids));
	});

	it('on n8n 1.x (no getPollBudgetMs) the same catch-up is one poll, as before', async () => {
		const trigger = triggerWith(null, { events: ['completed', 'failed', 'missed'] });
		await trigger.poll();
		sandbox().control.advanceClock(MINUTE);
		const { finished } = backlogOf(1000, 12_000);

		const poll = await trigger.poll();
		expect(idsOf(poll.calls)).toEqual(finished);
		expect(trackerOf(trigger).backlog).toBeUndefined();
	});
});

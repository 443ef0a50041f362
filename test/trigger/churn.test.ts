/**
 * Churn simulation: 10,000 calls with random (seeded) start times, durations and outcomes, polled at
 * a fixed interval while 5% of polls meet an injected fault (5xx, reset, hang → timeout) on a random
 * page and some polls follow an n8n restart (static data reloaded from JSON, sometimes from the last
 * save n8n would have made: the one at the last poll that emitted). Every selected call that
 * finished after activation must be emitted exactly once.
 */
import type { IDataObject } from 'n8n-workflow';

import type { FaultKind, SeedCallSpec } from '../../sandbox';
import {
	HOUR,
	listRequests,
	MINUTE,
	seed,
	useTriggerSandbox,
	startProxy,
	triggerFor,
} from './helpers';

/** mulberry32: small, fast, and the same sequence on every run. */
function prng(seedValue: number): () => number {
	let a = seedValue >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface PlannedCall extends SeedCallSpec {
	created_at: number;
	finishAt?: number;
}

const TOTAL_CALLS = 10_000;
const SPAN_MS = 36 * HOUR;
const POLL_EVERY_MS = 2 * MINUTE;
const FAULT_KINDS: FaultKind[] = ['status500', 'status503', 'reset', 'hang'];
const EVENTS = ['completed', 'failed'];

function planCalls(random: () => number, startMs: number): PlannedCall[] {
	const calls: PlannedCall[] = [];
	const outcome = (): PlannedCall['status'] => {
		const roll = random();
		return roll < 0.6 ? 'completed' : roll < 0.8 ? 'failed' : 'missed';
	};
	const duration = (): number => {
		const roll = random();
		// Mostly short calls; some wait in a queue or talk for up to 90 minutes (inside the 2 h lookback).
		if (roll < 0.8) return 5_000 + Math.floor(random() * 5 * MINUTE);
		if (roll < 0.97) return 5 * MINUTE + Math.floor(random() * 25 * MINUTE);
		return 30 * MINUTE + Math.floor(random() * 60 * MINUTE);
	};
	const add = (createdAt: number, neverEnds = false) => {
		const status = outcome();
		if (neverEnds) {
			calls.push({
				status: 'queued',
				created_at: createdAt,
				direction: random() < 0.8 ? 'outbound' : 'inbound',
			});
			return;
		}
		const length = duration();
		const talk = status === 'completed' ? Math.floor((length * 0.8) / 1000) : 0;
		calls.push({
			status,
			created_at: createdAt,
			finishAt: createdAt + length,
			duration_sec: talk,
			direction: random() < 0.8 ? 'outbound' : 'inbound',
		});
	};
	// Campaign bursts (a few hundred calls in a couple of minutes) on top of a steady trickle.
	while (calls.length < TOTAL_CALLS) {
		const at = startMs - 30 * MINUTE + Math.floor(random() * SPAN_MS);
		if (random() < 0.004) {
			const size = 100 + Math.floor(random() * 300);
			for (let i = 0; i < size && calls.length < TOTAL_CALLS; i++)
				add(at + Math.floor(random() * 2 * MINUTE));
		} else {
			add(at, random() < 0.001);
		}
	}
	return calls.sort((a, b) => a.created_at - b.created_at);
}

describe('Agentive Voice Trigger: churn simulation', () => {
	const sandbox = useTriggerSandbox();
	let armAfterPage: { page: number; kind: FaultKind } | undefined;
	let proxy: Awaited<ReturnType<typeof startProxy>>;
	beforeAll(async () => {
		proxy = await startProxy(sandbox(), (url) => {
			if (
				armAfterPage &&
				url.pathname.endsWith('/calls') &&
				url.searchParams.get('page') === String(armAfterPage.page)
			) {
				sandbox().control.injectFault({
					kind: armAfterPage.kind,
					method: 'GET',
					pathRegex: '^/calls$',
				});
				armAfterPage = undefined;
			}
		});
	});
	afterAll(async () => await proxy.close());

	it('emits every finished call exactly once through faults and restarts', async () => {
		const random = prng(20260604);
		const activationMs = sandbox().control.now();
		const plan = planCalls(random, activationMs);
		const byId = new Map<string, PlannedCall>();
		let seeded = 0;
		const seedUpTo = (nowMs: number) => {
			let end = seeded;
			while (end < plan.length && plan[end].created_at <= nowMs) end++;
			if (end === seeded) return;
			const batch = plan.slice(seeded, end);
			seed(sandbox(), batch).forEach((id, i) => byId.set(id, batch[i]));
			seeded = end;
		};

		const trigger = triggerFor(
			sandbox(),
			{ events: EVENTS, options: { requestTimeout: 1 } },
			proxy.url,
		);
		seedUpTo(activationMs);
		const baseline = await trigger.poll();
		expect(baseline.error).toBeUndefined();
		expect(baseline.emitted).toBe(false);

		const emittedCount = new Map<string, number>();
		let lastSave: IDataObject = trigger.savedStaticData();
		const requestsPerPoll: number[] = [];
		const stats = { polls: 0, faults: 0, failedPolls: 0, restarts: 0, crashRestarts: 0 };
		const endMs = activationMs + SPAN_MS + 2 * HOUR;
		while (sandbox().control.now() < endMs) {
			sandbox().control.advanceClock(POLL_EVERY_MS);
			seedUpTo(sandbox().control.now());

			const restartRoll = random();
			if (restartRoll < 0.01) {
				// A crash on an n8n that saves static data only when a poll emits: the last such save.
				trigger.restart(lastSave);
				stats.crashRestarts++;
			} else if (restartRoll < 0.03) {
				// A restart with the static data saved as it is now, through JSON.
				trigger.restart();
				lastSave = trigger.savedStaticData();
				stats.restarts++;
			}
			if (random() < 0.05) {
				const kind = FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)];
				// Mostly the first page (every poll has one); sometimes a later page, mid-listing.
				const roll = random();
				const page = roll < 0.7 ? 0 : roll < 0.9 ? 1 : 2;
				if (page === 0)
					sandbox().control.injectFault({ kind, method: 'GET', pathRegex: '^/calls$' });
				else armAfterPage = { page, kind };
				stats.faults++;
			}

			sandbox().control.clearLog();
			const before = trigger.savedStaticData();
			const poll = await trigger.poll();
			stats.polls++;
			armAfterPage = undefined;
			sandbox().control.clearFaults();
			if (poll.error) {
				stats.failedPolls++;
				expect(trigger.savedStaticData()).toEqual(before);
				continue;
			}
			requestsPerPoll.push(listRequests(sandbox()).length);
			for (const call of poll.calls)
				emittedCount.set(
					String(call.unique_id),
					(emittedCount.get(String(call.unique_id)) ?? 0) + 1,
				);
			// n8n saves static data when a poll emits; a crash loses only what came after.
			if (poll.emitted) lastSave = trigger.savedStaticData();
		}

		const finishedAfterActivation = [...byId].filter(
			([, call]) =>
				call.finishAt !== undefined &&
				call.finishAt > activationMs &&
				EVENTS.includes(String(call.status)),
		);
		const expected = new Set(finishedAfterActivation.map(([id]) => id));
		const missed = [...expected].filter((id) => !emittedCount.has(id));
		const duplicated = [...emittedCount].filter(([, count]) => count > 1);
		const unexpected = [...emittedCount.keys()].filter((id) => !expected.has(id));

		const mean = requestsPerPoll.reduce((sum, n) => sum + n, 0) / requestsPerPoll.length;
		const sorted = [...requestsPerPoll].sort((a, b) => a - b);
		const median = sorted[Math.floor(sorted.length / 2)];
		// Figures for the report (not assertions on speed).
		console.log(
			`churn: ${byId.size} calls, ${expected.size} expected, ${emittedCount.size} emitted; ` +
				`${stats.polls} polls (${stats.failedPolls} failed of ${stats.faults} with faults), ` +
				`${stats.restarts} restarts + ${stats.crashRestarts} crash restarts; ` +
				`List calls requests per successful poll: mean ${mean.toFixed(2)}, median ${median}, max ${sorted[sorted.length - 1]}`,
		);
		expect(byId.size).toBe(TOTAL_CALLS);
		expect(missed).toEqual([]);
		expect(duplicated).toEqual([]);
		expect(unexpected).toEqual([]);
		expect(stats.failedPolls).toBeGreaterThan(0);
	}, 180_000);
});

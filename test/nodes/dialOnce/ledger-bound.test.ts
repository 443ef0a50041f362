/**
 * The placement ledger's lifetime rule, over 100,000 node runs in one process: it never forgets a
 * node run whose execution may still retry it, and its memory stays bounded by age, not by count.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	clock,
	forgetRun,
	KEEP_MS,
	ledgerOf,
	ledgerSize,
	recordSentCode,
	sentCodesOf,
} from '../../../nodes/AgentiveVoice/dialOnce/ledger';

let now = Date.UTC(2026, 5, 4, 10, 0, 0);
clock.now = () => now;

/** A try's context as the ledger reads it (a new object per try, as n8n makes). */
function tryOf(executionId: string, node = 'node-1', runIndex = 0): IExecuteFunctions {
	return {
		getExecutionId: () => executionId,
		getNode: () => ({ id: node, name: node }),
		getWorkflowDataProxy: () => ({ $runIndex: runIndex }),
	} as unknown as IExecuteFunctions;
}

/** One write node run: places item 0, and ends as n8n would (returned or threw). */
function writeRun(executionId: string, succeeds: boolean): void {
	const ctx = tryOf(executionId);
	ledgerOf(ctx).items.set(0, {
		kind: 'placed',
		response: { status: 'success', code: 200 },
		tryNumber: 1,
	});
	// The router ends a try that returned; one that threw just stops using its entry.
	if (succeeds) forgetRun(ctx);
}

describe('the placement ledger over 100,000 node runs', () => {
	it('a failed try is remembered however many node runs come before its retry', () => {
		const blast = tryOf('blast');
		const ledger = ledgerOf(blast);
		for (let item = 0; item < 30; item++) {
			ledger.items.set(item, {
				kind: 'placed',
				response: { status: 'success', code: 200 },
				tryNumber: 1,
			});
		}
		ledger.items.set(30, { kind: 'unknown' });
		// n8n waits up to 5 s before the next try; 100,000 other node runs happen meanwhile.
		for (let run = 0; run < 100_000; run++) {
			writeRun(`other-${run}`, run % 10 !== 0);
			now += 0.05;
		}
		const retry = ledgerOf(tryOf('blast'));
		expect(retry.tryNumber).toBe(2);
		expect([...retry.items.values()].filter((state) => state.kind === 'placed')).toHaveLength(30);
		expect(retry.items.get(30)).toEqual({ kind: 'unknown' });
	});

	it('memory is bounded: runs that returned leave nothing, failed ones go KEEP_MS after their try', () => {
		// The first test's failed runs end KEEP_MS after their tries.
		now += KEEP_MS + 120_000;
		writeRun('start', true);
		let peak = 0;
		const failedAt: number[] = [];
		let oldest = 0;
		for (let run = 0; run < 100_000; run++) {
			const fails = run % 20 === 0;
			writeRun(`load-${run}`, !fails);
			if (fails) failedAt.push(now);
			// Read-only runs (Get Balance, Get Status…) never touch the ledger: nothing to add.
			now += 100; // 10 node runs a second: 100,000 runs take 2.8 hours.
			while (now - failedAt[oldest] > KEEP_MS + 60_000) oldest++;
			const size = ledgerSize();
			peak = Math.max(peak, size);
			// Never more than the failed runs of the last KEEP_MS (plus one sweep interval), doubled
			// at most between sweeps.
			if (size > 2 * (failedAt.length - oldest) + 17) {
				throw new Error(`run ${run}: ${size} entries for ${failedAt.length - oldest} live`);
			}
		}
		// 10 minutes of 0.5 failed runs a second: about 300 live, whatever the total.
		expect(peak).toBeLessThan(1_000);
	});

	it('an item that waits longer than KEEP_MS keeps its run’s record for the next try', () => {
		const slow = tryOf('slow');
		const ledger = ledgerOf(slow);
		ledger.items.set(0, {
			kind: 'placed',
			response: { status: 'success', code: 200 },
			tryNumber: 1,
		});
		ledger.items.set(1, { kind: 'sending' });
		// Item 1 waits (rate limit, timeouts) for 10 × KEEP_MS while 1,000 other runs fail.
		for (let run = 0; run < 1_000; run++) {
			writeRun(`later-${run}`, false);
			now += KEEP_MS / 100;
		}
		// Its answer comes back: the write touches the entry again; then the try throws.
		ledgerOf(slow).items.set(1, { kind: 'unknown' });
		now += 5_000;
		writeRun('one-more', true);
		const next = ledgerOf(tryOf('slow'));
		expect(next.tryNumber).toBe(2);
		expect(next.items.get(0)?.kind).toBe('placed');
		expect(next.items.get(1)).toEqual({ kind: 'unknown' });
	});

	it('a code sent is remembered until it expires, then dropped', () => {
		const ctx = tryOf('otp-execution');
		recordSentCode(ctx, '919812300000', {
			response: { status: 'success', code: 200, request_id: 'r1', expires_in_sec: 3600 },
			node: 'n',
			run: '0:0',
		});
		now += 50 * 60_000;
		for (let run = 0; run < 100; run++) writeRun(`tick-${run}`, true);
		expect(sentCodesOf(ctx).get('919812300000')?.response.request_id).toBe('r1');
		now += 11 * 60_000;
		for (let run = 0; run < 100; run++) writeRun(`tock-${run}`, false);
		now += 2 * 60_000;
		writeRun('last', true);
		expect(sentCodesOf(ctx).size).toBe(0);
	});
});

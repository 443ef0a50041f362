/**
 * The dial-once decision as a table, without HTTP: (item state, calls found, where the run comes
 * from) → send, reuse (with its reason) or fail; and which call-log windows each case reads.
 */
import {
	decide,
	lookbacksFor,
	type Found,
	type Origin,
} from '../../../nodes/AgentiveVoice/dialOnce/decide';
import type { ItemState } from '../../../nodes/AgentiveVoice/dialOnce/ledger';

const NOW = Date.UTC(2026, 5, 4, 10, 0, 0);
const prior = { status: 'success' as const, code: 200, unique_id: 'c1' };
const placed: ItemState = { kind: 'placed', response: prior, tryNumber: 1 };
const fresh: Origin = { nowMs: NOW, skipMinutes: 0 };
const tried: Origin = { ...fresh, run: { firstMs: NOW - 60_000, lastMs: NOW - 5_000 } };
const retried: Origin = { ...fresh, retried: { firstMs: NOW - 3600_000, lastMs: NOW - 3000_000 } };
const crashed: Origin = { ...fresh, crashedSinceMs: NOW - 600_000 };
const guarded: Origin = { ...fresh, skipMinutes: 30 };
const found = (reason: Found['reason'], byTry?: number): Found => ({ reason, prior, byTry });

describe('decide', () => {
	it.each<[string, ItemState | undefined, Found[], boolean, ReturnType<typeof decide>]>([
		['a new item is sent', undefined, [], true, { action: 'send' }],
		['a new item without a reference ID is sent', undefined, [], false, { action: 'send' }],
		[
			'placed by an earlier try: reused, naming the try',
			placed,
			[found('earlierTry', 1)],
			true,
			{ action: 'reuse', reason: 'earlierTry', prior, byTry: 1 },
		],
		[
			'placed, but its code can no longer be used (nothing found): sent afresh',
			placed,
			[],
			true,
			{ action: 'send' },
		],
		['refused by the API (4xx): sent again', { kind: 'refused' }, [], false, { action: 'send' }],
		[
			'unknown and found by the lookback: reused',
			{ kind: 'unknown' },
			[found('earlierTry')],
			true,
			{ action: 'reuse', reason: 'earlierTry', prior },
		],
		['unknown, looked up and not found: sent', { kind: 'unknown' }, [], true, { action: 'send' }],
		['unknown without a reference ID: fails', { kind: 'unknown' }, [], false, { action: 'fail' }],
		[
			'still sending without a reference ID: fails',
			{ kind: 'sending' },
			[],
			false,
			{ action: 'fail' },
		],
		[
			'found by several lookbacks: the first counts',
			undefined,
			[found('retriedExecution'), found('recentCall')],
			true,
			{ action: 'reuse', reason: 'retriedExecution', prior },
		],
		[
			'found by the re-run guard',
			undefined,
			[found('recentCall')],
			true,
			{ action: 'reuse', reason: 'recentCall', prior },
		],
	])('%s', (_case, state, calls, hasReferenceId, expected) => {
		expect(decide(state, calls, hasReferenceId)).toEqual(expected);
	});
});

describe('lookbacksFor: which windows of the call log an item reads', () => {
	const reasons = (state: ItemState | undefined, origin: Origin, hasKey = true) =>
		lookbacksFor(state, hasKey, origin).map((lookback) => lookback.reason);

	it.each<[string, ItemState | undefined, Origin, boolean, string[]]>([
		['a first run reads nothing: one request per call', undefined, fresh, true, []],
		['a new item in a later try reads nothing', undefined, tried, true, []],
		[
			'an unsettled item in a later try reads its run',
			{ kind: 'unknown' },
			tried,
			true,
			['earlierTry'],
		],
		['an item the ledger placed reads nothing', placed, retried, true, []],
		['a refused item reads nothing', { kind: 'refused' }, tried, true, []],
		[
			'Executions › Retry reads the original window',
			undefined,
			retried,
			true,
			['retriedExecution'],
		],
		[
			'a crashed execution’s retry reads since it began',
			undefined,
			crashed,
			true,
			['crashedExecution'],
		],
		['the re-run guard reads its minutes', undefined, guarded, true, ['recentCall']],
		['without a reference ID nothing can be recognised', { kind: 'unknown' }, tried, false, []],
		[
			'all at once, in order',
			{ kind: 'unknown' },
			{ ...tried, ...retried, crashedSinceMs: NOW - 1, skipMinutes: 5 },
			true,
			['earlierTry', 'retriedExecution', 'crashedExecution', 'recentCall'],
		],
	])('%s', (_case, state, origin, hasKey, expected) => {
		expect(reasons(state, origin, hasKey)).toEqual(expected);
	});

	it('windows: the run’s attempts, the original’s, since the crash, the guard’s minutes', () => {
		const all = lookbacksFor({ kind: 'unknown' }, true, {
			...tried,
			...retried,
			crashedSinceMs: NOW - 600_000,
			skipMinutes: 30,
		});
		expect(all.map(({ fromMs, toMs, match }) => [fromMs - NOW, toMs - NOW, match])).toEqual([
			[-60_000, -5_000, 'exact'],
			[-3600_000, -3000_000, 'exact'],
			[-600_000, 0, 'sameItem'],
			[-1800_000, 0, 'sameNode'],
		]);
	});

	it('a guard of any size never starts before 1970 (the API’s instants have 4-digit years)', () => {
		const [guard] = lookbacksFor(undefined, true, {
			...fresh,
			skipMinutes: Number.MAX_SAFE_INTEGER,
		});
		expect(guard.fromMs).toBe(0);
		expect(new Date(guard.fromMs).getUTCFullYear()).toBe(1970);
	});
});

/**
 * A crashed execution (n8n killed or restarted mid-blast) loses its custom data: n8n saves it only
 * when an execution finishes. Its Retry starts from what n8n saved and recovered (n8n 2.41.1
 * ExecutionRecoveryService.amend: the nodes that started get run data rebuilt from the event log,
 * with start times in whole seconds; ExecutionService.retry pops the crashed node's run). These
 * build that data as n8n does and run the Retry through n8n-core: the crashed run's calls are found
 * in List calls since it began, and nobody is dialled twice. Then the re-run guard
 * (Options › Skip Numbers Called Within), for when no Retry is possible.
 */
import type { IDataObject, IRunExecutionData } from 'n8n-workflow';

import {
	apiCredentials,
	runActionNode,
	runAfterItems,
	type ExecutionStart,
	type NodeRunResult,
} from '../../harness/engine';
import { ACTION_NODE_TYPE } from '../../harness/node-types';
import { apiRequests, jsonOf, useSandbox } from '../helpers';
import { callsPerNumber, placeCall } from './blast';

const sandbox = useSandbox();

const NUMBERS = Array.from({ length: 10 }, (_, i) => `98124567${String(10 + i)}`);
const items = NUMBERS.map((number, i) => ({ number, order: `order-${i + 1}` }));
/** The crash lands while the sixth item is being placed: the five before it were called. */
const CRASH_AT = 5;

let executions = 0;
const fresh = (): ExecutionStart => ({ mode: 'webhook', executionId: `crash-${++executions}` });

async function run(
	parameters: IDataObject,
	start: ExecutionStart = fresh(),
	input: IDataObject[] = items,
): Promise<NodeRunResult> {
	return await runActionNode({
		parameters,
		items: input,
		credentials: apiCredentials(sandbox()),
		start,
	});
}

/** The original blast, stopped at the sixth item (standing in for the moment n8n was killed). */
async function blastUntilCrash(parameters: IDataObject): Promise<NodeRunResult> {
	sandbox().control.injectFault({
		kind: 'status503',
		number: NUMBERS[CRASH_AT],
		path: '/calls',
		count: 3,
	});
	const before = sandbox().control.calls().length;
	const original = await run(parameters);
	expect(original.error).toBeDefined();
	expect(sandbox().control.calls().length - before).toBe(CRASH_AT);
	return original;
}

/**
 * What a Retry of the crashed execution starts from, progress saving off (the default): n8n saved
 * only the start data; crash recovery adds run data for the nodes that started (start times in
 * seconds; finished ones get an artificial item); the retry pops the crashed node's run and runs
 * the workflow again from its start node.
 */
function crashedRetryData(original: NodeRunResult): IRunExecutionData {
	const saved = JSON.parse(JSON.stringify(original.run.data)) as IRunExecutionData;
	const startedSec = Math.floor(
		(original.run.data.resultData.runData.Items[0].startTime ?? 0) / 1000,
	);
	saved.resultData = {
		runData: {
			Items: [
				{
					startTime: startedSec,
					executionIndex: 0,
					executionTime: 12,
					source: [null],
					executionStatus: 'success',
					data: { main: [[{ json: { isArtificialRecoveredEventItem: true } }]] },
				},
			],
			'Agentive Voice': [],
		},
		lastNodeExecuted: 'Agentive Voice',
	};
	saved.executionData = {
		contextData: {},
		nodeExecutionStack: [
			{
				node: {
					id: 'items',
					name: 'Items',
					type: 'test.items',
					typeVersion: 1,
					position: [0, 0],
					parameters: { items: JSON.stringify(items) },
				},
				data: { main: [[{ json: {} }]] },
				source: null,
			},
		],
		metadata: {},
		waitingExecution: {},
		waitingExecutionSource: {},
	};
	return saved;
}

/** The same with EXECUTIONS_DATA_SAVE_ON_PROGRESS: the Items node's real run was saved. */
function crashedRetryDataWithProgress(original: NodeRunResult): IRunExecutionData {
	const saved = JSON.parse(JSON.stringify(original.run.data)) as IRunExecutionData;
	const itemsRun = saved.resultData.runData.Items;
	const node = original.run.data.executionData?.nodeExecutionStack[0]?.node;
	saved.resultData = {
		runData: { Items: itemsRun, 'Agentive Voice': [] },
		lastNodeExecuted: 'Agentive Voice',
	};
	saved.executionData = {
		contextData: {},
		nodeExecutionStack: [
			{
				node: node ?? (saved.executionData?.nodeExecutionStack[0]?.node as never),
				data: { main: [itemsRun[0].data?.main?.[0] ?? []] },
				source: { main: [{ previousNode: 'Items', previousNodeRun: 0 }] },
			},
		],
		metadata: {},
		waitingExecution: {},
		waitingExecutionSource: {},
	};
	return saved;
}

describe.each([
	['progress saving off (n8n recovers start times from its event log)', crashedRetryData],
	['progress saving on', crashedRetryDataWithProgress],
])('Retry of a crashed blast, %s', (_name, retryData) => {
	it.each([
		['generated Reference IDs', placeCall()],
		['own Reference IDs', placeCall({ referenceId: '={{ $json.order }}' })],
	])('%s: nobody the crashed run called is dialled again', async (_ids, parameters) => {
		const original = await blastUntilCrash(parameters);
		const calledBefore = new Set(
			sandbox()
				.control.calls()
				.map((call) => call.unique_id),
		);
		sandbox().control.clearLog();

		const retried = await run(parameters, {
			mode: 'retry',
			executionId: `crash-${++executions}`,
			runExecutionData: retryData(original),
		});
		expect(retried.error).toBeUndefined();
		expect(NUMBERS.map((number) => callsPerNumber(sandbox()).get(number))).toEqual(
			NUMBERS.map(() => 1),
		);
		const output = jsonOf(retried.items);
		expect(output.map((json) => json.placedBy ?? null)).toEqual(
			NUMBERS.map((_n, i) => (i < CRASH_AT ? 'crashedExecution' : null)),
		);
		expect(new Set(output.slice(0, CRASH_AT).map((json) => json.unique_id))).toEqual(calledBefore);
		// The retry's cost: one windowed List read (twice at most, in the API's time), one POST per new call.
		const windowed = apiRequests(sandbox(), 'GET', '/calls').filter((e) => e.query.from);
		expect(windowed.length).toBeGreaterThanOrEqual(1);
		expect(windowed.length).toBeLessThanOrEqual(2);
		expect(apiRequests(sandbox(), 'POST')).toHaveLength(NUMBERS.length - CRASH_AT);
		const hints = (
			retried.run.data.resultData.runData['Agentive Voice'][0] as {
				hints?: Array<{ message: string }>;
			}
		).hints?.map((hint) => hint.message);
		expect(hints).toEqual([
			'5 items were placed by the crashed execution this retry continues and not dialled again.',
		]);
	});

	it('calls an earlier blast of the same list placed before the crashed run began are not taken', async () => {
		const parameters = placeCall();
		expect((await run(parameters)).error).toBeUndefined();
		sandbox().control.advanceClock(10 * 60_000);
		const original = await blastUntilCrash(parameters);
		const retried = await run(parameters, {
			mode: 'retry',
			executionId: `crash-${++executions}`,
			runExecutionData: retryData(original),
		});
		expect(retried.error).toBeUndefined();
		expect(NUMBERS.map((number) => callsPerNumber(sandbox()).get(number))).toEqual(
			NUMBERS.map(() => 2),
		);
	});
});

describe('A new execution after a crash (not a retry)', () => {
	it('calls everyone again: only a retry, or the re-run guard, skips anyone', async () => {
		await blastUntilCrash(placeCall());
		sandbox().control.clearLog();
		const again = await run(placeCall());
		expect(again.error).toBeUndefined();
		expect(NUMBERS.map((number) => callsPerNumber(sandbox()).get(number))).toEqual(
			NUMBERS.map((_n, i) => (i < CRASH_AT ? 2 : 1)),
		);
		expect(apiRequests(sandbox(), 'GET', '/calls')).toHaveLength(0);
	});
});

describe('Options › Skip Numbers Called Within (the re-run guard)', () => {
	const guarded = (extra: IDataObject = {}) =>
		placeCall({ options: { skipCalledWithinMinutes: 60 }, ...extra });

	it.each([
		['generated Reference IDs', {}],
		['own Reference IDs', { referenceId: '={{ $json.order }}' }],
	])('%s: running the blast again places only the numbers not yet called', async (_n, extra) => {
		await blastUntilCrash(guarded(extra));
		sandbox().control.clearLog();
		const again = await run(guarded(extra));
		expect(again.error).toBeUndefined();
		expect(NUMBERS.map((number) => callsPerNumber(sandbox()).get(number))).toEqual(
			NUMBERS.map(() => 1),
		);
		const output = jsonOf(again.items);
		expect(output.map((json) => json.skippedRecentCall === true)).toEqual(
			NUMBERS.map((_n2, i) => i < CRASH_AT),
		);
		expect(output.slice(0, CRASH_AT).every((json) => json.placedBy === 'recentCall')).toBe(true);
		expect(apiRequests(sandbox(), 'POST')).toHaveLength(NUMBERS.length - CRASH_AT);
	});

	it('does not skip calls older than the window, or made by another node or under another Reference ID', async () => {
		await blastUntilCrash(guarded());
		// Another node (a redial step) calls the same numbers: not this node's calls.
		const other = await runAfterItems(
			{ id: 'redial', type: ACTION_NODE_TYPE, name: 'Redial' },
			{ parameters: guarded(), items, credentials: apiCredentials(sandbox()) },
		);
		expect(other.error).toBeUndefined();
		expect(jsonOf(other.items).some((json) => json.skippedRecentCall)).toBe(false);
		// Own Reference IDs that carry an attempt are other calls too.
		const redial = await run(guarded({ referenceId: '={{ $json.order }}-redial-1' }));
		expect(jsonOf(redial.items).some((json) => json.skippedRecentCall)).toBe(false);
		// An hour later this node's own calls are outside the window.
		sandbox().control.advanceClock(61 * 60_000);
		const later = await run(guarded());
		expect(jsonOf(later.items).some((json) => json.skippedRecentCall)).toBe(false);
		expect(NUMBERS.map((number) => callsPerNumber(sandbox()).get(number))).toEqual(
			NUMBERS.map((_n, i) => (i < CRASH_AT ? 4 : 3)),
		);
	});

	it('off by default: a second blast calls everyone again', async () => {
		expect((await run(placeCall())).error).toBeUndefined();
		expect((await run(placeCall())).error).toBeUndefined();
		expect([...callsPerNumber(sandbox()).values()]).toEqual(NUMBERS.map(() => 2));
	});

	it('refuses a negative or fractional number of minutes before any request', async () => {
		const result = await run(guarded({ options: { skipCalledWithinMinutes: -5 } }));
		expect(String((result.nodeError as Error).message)).toMatch(
			/Skip Numbers Called Within \(Minutes\)/,
		);
		expect(sandbox().control.requestLog()).toHaveLength(0);
	});
});

/**
 * n8n's node setting Retry On Fail re-runs `execute` inside the same execution, with the same
 * items and run index (n8n-core workflow-execute.ts). These run the node through n8n-core with
 * that setting: a later try places only what earlier tries did not; Send Code sends one code per
 * pending request; Verify Code spends one attempt per item; the hint says what was not dialled.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { apiCredentials, runActionNode, type NodeRunResult } from '../../harness/engine';
import { apiRequests, jsonOf, useSandbox } from '../helpers';
import { callsPerNumber, hintsOf, placeCall, triggerCampaign } from './blast';

const sandbox = useSandbox();

const NUMBERS = Array.from({ length: 40 }, (_, i) => `98123${String(10000 + i)}`);
/** Item 31 of 40: the 30 before it are placed by the first try. */
const FAILING_INDEX = 30;
const FAILING = NUMBERS[FAILING_INDEX];
const items = NUMBERS.map((number, i) => ({ number, order: `order-${i + 1}` }));

type RetrySettings = Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
const retryOnFail = (maxTries: number, waitBetweenTries = 0): RetrySettings => ({
	retryOnFail: true,
	maxTries,
	waitBetweenTries,
});

let executions = 0;
async function run(
	parameters: IDataObject,
	settings: RetrySettings,
	input: IDataObject[] = items,
): Promise<NodeRunResult> {
	return await runActionNode({
		parameters,
		items: input,
		credentials: apiCredentials(sandbox()),
		settings,
		start: { mode: 'webhook', executionId: `retry-on-fail-${++executions}` },
	});
}

/** Each placement of the failing number gets a 503 (the node tries each item 3 times). */
function failPlacements(path: string, count: number): void {
	sandbox().control.injectFault({
		kind: 'status503',
		number: FAILING,
		method: 'POST',
		path,
		count,
	});
}

describe.each([
	['Call › Place', placeCall(), '/calls'],
	['Call › Place, own Reference IDs', placeCall({ referenceId: '={{ $json.order }}' }), '/calls'],
	['Campaign › Trigger', triggerCampaign(), '/campaigns/57/trigger'],
])('Retry On Fail: %s', (_name, parameters, path) => {
	it.each([2, 5])(
		'an item that always fails: the 30 before it are called once (Max Tries %i)',
		async (maxTries) => {
			failPlacements(path, 1000);
			const result = await run(parameters, retryOnFail(maxTries));
			expect(result.error).toBeDefined();
			const counts = callsPerNumber(sandbox());
			expect(NUMBERS.slice(0, FAILING_INDEX).map((n) => counts.get(n))).toEqual(
				NUMBERS.slice(0, FAILING_INDEX).map(() => 1),
			);
			expect(NUMBERS.slice(FAILING_INDEX).map((n) => counts.get(n) ?? 0)).toEqual(
				NUMBERS.slice(FAILING_INDEX).map(() => 0),
			);
			// Each try: 3 attempts for the failing item; the 30 before it once in all.
			expect(apiRequests(sandbox(), 'POST')).toHaveLength(FAILING_INDEX + 3 * maxTries);
		},
	);

	it('an item that fails for a while: everybody is called once, the execution succeeds', async () => {
		failPlacements(path, 3);
		const result = await run(parameters, retryOnFail(3, 50));
		expect(result.error).toBeUndefined();
		expect([...callsPerNumber(sandbox()).values()]).toEqual(NUMBERS.map(() => 1));

		const output = jsonOf(result.items);
		expect(output).toHaveLength(40);
		expect(output.map((json) => json.placedBy ?? null)).toEqual(
			NUMBERS.map((_n, i) => (i < FAILING_INDEX ? 'earlierTry' : null)),
		);
		expect(output.slice(0, FAILING_INDEX).every((json) => json.placedBeforeRetry === true)).toBe(
			true,
		);
		expect(new Set(output.map((json) => json.unique_id)).size).toBe(40);
		expect(result.items.map((item) => item.pairedItem)).toEqual(
			NUMBERS.map((_n, item) => ({ item })),
		);
		expect(hintsOf(result)).toEqual([
			'30 items were placed by try 1 of this node (Retry On Fail; this is try 2) and not dialled again.',
		]);
	});
});

describe('Retry On Fail: what a later try reads', () => {
	it('items an earlier try placed cost no request; one an earlier try could not settle is looked up once', async () => {
		failPlacements('/calls', 3);
		const result = await run(placeCall(), retryOnFail(2));
		expect(result.error).toBeUndefined();
		// Try 1: 30 placed, the failing item 3 attempts each followed by a lookup by number.
		// Try 2: one windowed List read for the unsettled item, then the 10 calls left.
		const windowed = apiRequests(sandbox(), 'GET', '/calls').filter(
			(entry) => entry.query.from !== undefined && entry.query.number === undefined,
		);
		expect(windowed.length).toBeGreaterThanOrEqual(1);
		expect(windowed.length).toBeLessThanOrEqual(2);
		expect(apiRequests(sandbox(), 'POST')).toHaveLength(FAILING_INDEX + 3 + 10);
	});

	it('three tries: the hint names the try that placed each item', async () => {
		failPlacements('/calls', 3);
		sandbox().control.injectFault({
			kind: 'status503',
			number: NUMBERS[35],
			method: 'POST',
			path: '/calls',
			count: 3,
		});
		const result = await run(placeCall(), retryOnFail(3));
		expect(result.error).toBeUndefined();
		expect([...callsPerNumber(sandbox()).values()]).toEqual(NUMBERS.map(() => 1));
		expect(jsonOf(result.items).filter((json) => json.placedBy === 'earlierTry')).toHaveLength(35);
		expect(hintsOf(result)).toEqual([
			'35 items were placed by tries 1 (30) and 2 (5) of this node (Retry On Fail; this is try 3) and not dialled again.',
		]);
	});

	it('a blast list that holds a number twice is the user’s data: one call per item', async () => {
		const twice = [...items.slice(0, 5), { number: `+91 ${NUMBERS[2]}`, order: 'again' }];
		const result = await run(placeCall(), retryOnFail(3), twice);
		expect(result.error).toBeUndefined();
		expect(callsPerNumber(sandbox()).get(NUMBERS[2])).toBe(2);
		expect(jsonOf(result.items).some((json) => json.placedBy !== undefined)).toBe(false);
	});

	it('without a reference ID, an item whose earlier outcome is unknown is not dialled again', async () => {
		const five = items.slice(0, 5);
		sandbox().control.injectFault({
			kind: 'status503',
			number: five[3].number,
			method: 'POST',
			path: '/calls',
			count: 1,
		});
		const result = await run(
			placeCall({ options: { generateReferenceId: false } }),
			retryOnFail(2),
			five,
		);
		expect(result.error).toBeDefined();
		expect(String((result.nodeError as Error).message)).toMatch(/may or may not have been placed/);
		// The three before it once; the unsettled one only by the first try's single attempt.
		expect(apiRequests(sandbox(), 'POST')).toHaveLength(4);
	});
});

describe('Retry On Fail: verification', () => {
	const sendCode = {
		resource: 'verification',
		operation: 'sendCode',
		number: '={{ $json.number }}',
	};
	const five = items.slice(0, 5);

	it('Send Code sends one code per item: pending codes of an earlier try are output again', async () => {
		sandbox().control.injectFault({
			kind: 'status503',
			number: five[3].number,
			path: '/otp/send',
			count: 1,
		});
		const result = await run(sendCode, retryOnFail(3), five);
		expect(result.error).toBeUndefined();
		expect(apiRequests(sandbox(), 'POST', '/otp/send')).toHaveLength(6);
		const sent = sandbox().control.calls();
		expect(sent).toHaveLength(5);
		const output = jsonOf(result.items);
		expect(output.map((json) => json.placedBy ?? null)).toEqual([
			'earlierTry',
			'earlierTry',
			'earlierTry',
			null,
			null,
		]);
		expect(output.slice(0, 3).map((json) => json.call_status)).toEqual([
			'pending',
			'pending',
			'pending',
		]);
		expect(new Set(output.map((json) => json.request_id)).size).toBe(5);
	});

	it('Verify Code spends one attempt per item', async () => {
		const first = await run(sendCode, retryOnFail(2), five.slice(0, 3));
		const requests = jsonOf(first.items).map((json) => String(json.request_id));
		const codes = requests.map((id) => sandbox().control.otp(id)?.code);
		sandbox().control.clearLog();
		// The third item verifies by number, and its first attempt gets a 503.
		sandbox().control.injectFault({
			kind: 'status503',
			number: five[2].number,
			path: '/otp/verify',
			count: 1,
		});
		const verify = await run(
			{
				resource: 'verification',
				operation: 'verifyCode',
				verifyBy: '={{ $json.by }}',
				requestId: '={{ $json.request_id }}',
				number: '={{ $json.number }}',
				code: '={{ $json.code }}',
			},
			retryOnFail(3),
			requests.map((request_id, i) => ({
				request_id,
				code: codes[i],
				by: i === 2 ? 'number' : 'requestId',
				number: five[i].number,
			})),
		);
		expect(verify.error).toBeUndefined();
		const output = jsonOf(verify.items);
		expect(output.map((json) => json.verified)).toEqual([true, true, true]);
		expect(output.map((json) => json.answeredBeforeRetry === true)).toEqual([true, true, false]);
		// Two answered attempts, the failed one, and its retry: four in all, none repeated.
		expect(apiRequests(sandbox(), 'POST', '/otp/verify')).toHaveLength(4);
		expect(hintsOf(verify)).toEqual([
			'2 codes were answered before (an earlier try, or the execution this retry continues); no attempt was used again.',
		]);
	});
});

describe('Send Code twice for one number in one execution', () => {
	it('the second item outputs the pending request instead of calling again', async () => {
		const result = await run(
			{ resource: 'verification', operation: 'sendCode', number: '={{ $json.number }}' },
			{},
			[{ number: NUMBERS[0] }, { number: `+91 ${NUMBERS[0].slice(0, 5)}-${NUMBERS[0].slice(5)}` }],
		);
		expect(result.error).toBeUndefined();
		expect(sandbox().control.calls()).toHaveLength(1);
		const [first, second] = jsonOf(result.items);
		expect(second.request_id).toBe(first.request_id);
		expect(second.sentEarlierInExecution).toBe(true);
		expect(second.call_status).toBe('pending');
		expect(first.sentEarlierInExecution).toBeUndefined();
		expect(hintsOf(result)).toEqual([
			'1 code was already pending from earlier in this execution; no second code was sent.',
		]);
	});

	it('a code that is no longer pending is sent afresh', async () => {
		const first = await run(
			{ resource: 'verification', operation: 'sendCode', number: '={{ $json.number }}' },
			{},
			[{ number: NUMBERS[1] }],
		);
		expect(first.error).toBeUndefined();
		// Another execution: the code it sent is not this execution's.
		const second = await run(
			{ resource: 'verification', operation: 'sendCode', number: '={{ $json.number }}' },
			{},
			[{ number: NUMBERS[1] }],
		);
		expect(jsonOf(second.items)[0].sentEarlierInExecution).toBeUndefined();
		expect(sandbox().control.calls()).toHaveLength(2);
	});
});

/**
 * n8n's Executions › Retry re-runs the failed node with ALL its original items, in a new execution
 * (mode 'retry') that carries the original's custom data. These run the node through n8n-core as
 * n8n does: a first execution that fails part-way, then a Retry started from its data (retryOf).
 * Nobody the original dialled is dialled again; everybody else is; a new execution is never
 * mistaken for a retry.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	apiCredentials,
	retryOf,
	runActionNode,
	type NodeRunResult,
	type ExecutionStart,
} from '../../harness/engine';
import { apiRequests, jsonOf, useSandbox } from '../helpers';
import { callsPerNumber, placeCall, triggerCampaign } from './blast';

const sandbox = useSandbox();

/** Ten recipients; the sixth is the one a fault makes fail in the first execution only. */
const NUMBERS = Array.from({ length: 10 }, (_, i) => `98123456${String(10 + i)}`);
const FAILING = NUMBERS[5];
const items = NUMBERS.map((number, i) => ({ number, order: `order-${i + 1}` }));

async function run(
	parameters: IDataObject,
	start: ExecutionStart = {},
	input: IDataObject[] = items,
): Promise<NodeRunResult> {
	return await runActionNode({
		parameters,
		items: input,
		credentials: apiCredentials(sandbox()),
		start,
	});
}

/** Fails every placement attempt for one recipient (the node tries 3 times), once per execution. */
function failOnceFor(number: string, path = '/calls'): void {
	sandbox().control.injectFault({ kind: 'status503', number, method: 'POST', path, count: 3 });
}

let executions = 0;
const fresh = (): ExecutionStart => ({ mode: 'webhook', executionId: `exec-${++executions}` });
const retry = (previous: NodeRunResult): ExecutionStart => ({
	mode: 'retry',
	executionId: `exec-${++executions}`,
	runExecutionData: retryOf(previous),
});

describe.each([
	['Call › Place, generated Reference IDs', placeCall(), '/calls'],
	['Call › Place, own Reference IDs', placeCall({ referenceId: '={{ $json.order }}' }), '/calls'],
	['Campaign › Trigger, generated Reference IDs', triggerCampaign(), '/campaigns/57/trigger'],
	[
		'Campaign › Trigger, own Reference IDs',
		triggerCampaign({ referenceId: '={{ $json.order }}' }),
		'/campaigns/57/trigger',
	],
])('Retry of a failed blast: %s', (_name, parameters, path) => {
	it('dials nobody twice; every item is output once, those placed before marked placedBeforeRetry', async () => {
		failOnceFor(FAILING, path);
		const original = await run(parameters, fresh());
		expect(original.error).toBeDefined();
		expect(callsPerNumber(sandbox()).size).toBe(5);
		const placedBefore = sandbox()
			.control.calls()
			.map((call) => call.unique_id);

		sandbox().control.clearLog();
		const retried = await run(parameters, retry(original));
		expect(retried.error).toBeUndefined();
		const counts = callsPerNumber(sandbox());
		expect(NUMBERS.map((number) => counts.get(number))).toEqual(NUMBERS.map(() => 1));

		const output = jsonOf(retried.items);
		expect(output).toHaveLength(10);
		expect(output.slice(0, 5).map((json) => json.placedBeforeRetry)).toEqual([
			true,
			true,
			true,
			true,
			true,
		]);
		expect(output.slice(5).every((json) => json.placedBeforeRetry === undefined)).toBe(true);
		expect(new Set(output.slice(0, 5).map((json) => json.unique_id))).toEqual(
			new Set(placedBefore),
		);
		expect(new Set(output.map((json) => json.unique_id)).size).toBe(10);
		expect(retried.items.map((item) => item.pairedItem)).toEqual(
			NUMBERS.map((_n, item) => ({ item })),
		);

		// The retry's cost: one windowed read of List calls (read again once in the API's time when
		// the clocks are far apart, as with this sandbox's manual clock), then one request per new call.
		const lists = apiRequests(sandbox(), 'GET', '/calls');
		expect(lists.length).toBeGreaterThanOrEqual(1);
		expect(lists.length).toBeLessThanOrEqual(2);
		expect(
			lists.every((entry) => entry.query.from !== undefined && entry.query.to !== undefined),
		).toBe(true);
		expect(apiRequests(sandbox(), 'POST')).toHaveLength(5);
	});
});

describe('No false "already placed"', () => {
	it('a new execution (not a retry) with the same data and own Reference IDs dials everyone again', async () => {
		const parameters = placeCall({ referenceId: '={{ $json.order }}' });
		expect((await run(parameters, fresh())).error).toBeUndefined();
		const again = await run(parameters, fresh());
		expect(again.error).toBeUndefined();
		expect(jsonOf(again.items).some((json) => json.placedBeforeRetry)).toBe(false);
		expect([...callsPerNumber(sandbox()).values()]).toEqual(NUMBERS.map(() => 2));
		expect(apiRequests(sandbox(), 'GET', '/calls')).toHaveLength(0);
	});

	it("a retry of a second blast with the same own Reference IDs does not take the first blast's calls", async () => {
		const parameters = placeCall({ referenceId: '={{ $json.order }}' });
		// The first blast reaches the first five (the failing recipient is not among them: a lost
		// response is resolved by the newest call with its Reference ID, see docs/assumptions.md).
		const first = await run(parameters, fresh(), items.slice(0, 5));
		expect(first.error).toBeUndefined();
		const firstBlastIds = new Set(jsonOf(first.items).map((json) => json.unique_id));
		// The second blast, 10 minutes later in the API's time (beyond the window's 2-minute margin).
		sandbox().control.advanceClock(10 * 60_000);
		failOnceFor(FAILING);
		const second = await run(parameters, fresh());
		expect(second.error).toBeDefined();
		const retried = await run(parameters, retry(second));
		expect(retried.error).toBeUndefined();
		const output = jsonOf(retried.items);
		expect(output.map((json) => json.placedBeforeRetry === true)).toEqual(
			NUMBERS.map((_n, i) => i < 5),
		);
		// The reused calls are the second blast's own, none of the first blast's.
		expect(output.slice(0, 5).filter((json) => firstBlastIds.has(json.unique_id))).toEqual([]);
		// The first five got one call per blast; the rest one call, from the retry.
		const counts = callsPerNumber(sandbox());
		expect(NUMBERS.map((number) => counts.get(number))).toEqual(
			NUMBERS.map((_n, i) => (i < 5 ? 2 : 1)),
		);
	});

	it('a retry of a retry still recognises what both earlier executions placed', async () => {
		const parameters = placeCall();
		failOnceFor(FAILING);
		const first = await run(parameters, fresh());
		failOnceFor(NUMBERS[8]);
		const second = await run(parameters, retry(first));
		expect(second.error).toBeDefined();
		const third = await run(parameters, retry(second));
		expect(third.error).toBeUndefined();
		expect([...callsPerNumber(sandbox()).values()]).toEqual(NUMBERS.map(() => 1));
		expect(jsonOf(third.items).map((json) => json.placedBeforeRetry === true)).toEqual(
			NUMBERS.map((_n, i) => i < 8),
		);
	});
});

describe('Verification in a Retry', () => {
	const sendCode = {
		resource: 'verification',
		operation: 'sendCode',
		number: '={{ $json.number }}',
	};
	const three = items.slice(0, 3);

	it('Send Code does not send a second code while the first is pending; a failed send is sent', async () => {
		sandbox().control.injectFault({
			kind: 'status503',
			number: three[2].number,
			path: '/otp/send',
			count: 1,
		});
		const original = await run(sendCode, fresh(), three);
		expect(original.error).toBeDefined();
		const retried = await run(sendCode, retry(original), three);
		expect(retried.error).toBeUndefined();
		expect(
			apiRequests(sandbox(), 'POST', '/otp/send').filter((entry) => entry.status === 200),
		).toHaveLength(3);
		const output = jsonOf(retried.items);
		expect(output.map((json) => json.placedBeforeRetry === true)).toEqual([true, true, false]);
		expect(output.slice(0, 2).map((json) => json.call_status)).toEqual(['pending', 'pending']);
		for (const json of output)
			expect(sandbox().control.otp(json.request_id as string)).toBeDefined();
	});

	it('Verify Code does not repeat an attempt the original made', async () => {
		const sent = await run(sendCode, fresh(), three.slice(0, 2));
		const [first, second] = jsonOf(sent.items).map((json) => json.request_id as string);
		const code = (id: string) => sandbox().control.otp(id)?.code as string;
		const wrong = code(first).replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
		const verify = {
			resource: 'verification',
			operation: 'verifyCode',
			verifyBy: '={{ $json.by }}',
			requestId: '={{ $json.requestId }}',
			number: '={{ $json.number }}',
			code: '={{ $json.code }}',
		};
		const answers = [
			{ by: 'requestId', requestId: first, code: wrong },
			{ by: 'number', number: three[1].number, code: code(second) },
		];
		sandbox().control.injectFault({
			kind: 'status503',
			number: three[1].number,
			path: '/otp/verify',
			count: 1,
		});
		const original = await run(verify, fresh(), answers);
		expect(original.error).toBeDefined();
		sandbox().control.clearLog();
		const retried = await run(verify, retry(original), answers);
		expect(retried.error).toBeUndefined();
		expect(jsonOf(retried.items)).toEqual([
			expect.objectContaining({
				verified: false,
				reason: 'incorrect_code',
				attempts_left: 2,
				answeredBeforeRetry: true,
			}),
			expect.objectContaining({ verified: true }),
		]);
		// Only the second item reached the API in the retry: the first attempt was not used again.
		expect(
			apiRequests(sandbox(), 'POST', '/otp/verify').map(
				(entry) => (entry.body as IDataObject).number,
			),
		).toEqual(['+91' + three[1].number]);
	});
});

/**
 * A busy n8n: while a blast waits between Retry On Fail tries (n8n waits up to 5 s), the same
 * process runs hundreds of other node runs of both nodes (reads, single placements, codes, polls).
 * Before the placement ledger, every node run took one of 200 memory slots, oldest first, so the
 * blast's next try forgot what the first had placed and dialled those customers again.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { ACTION_NODE_TYPE, registerNodeType } from '../../harness/node-types';
import { apiCredentials, itemsNode, runActionNode, runWorkflow } from '../../harness/engine';
import { TriggerHarness } from '../../harness/poll';
import { apiRequests, jsonOf, useSandbox } from '../helpers';
import { callsPerNumber, hintsOf, placeCall, triggerCampaign } from './blast';

const sandbox = useSandbox();

const NUMBERS = Array.from({ length: 40 }, (_, i) => `98124${String(10000 + i)}`);
const FAILING_INDEX = 30;
const OTHER = (i: number) => `97000${String(10000 + (i % 90000))}`;

let executions = 0;
const nextId = () => `busy-${++executions}`;

/** Other node runs, one after another per worker, until `stop()` says so; returns how many ran. */
function backgroundLoad(workers = 4): { stop: () => Promise<number>; count: () => number } {
	let running = true;
	let done = 0;
	const trigger = new TriggerHarness({
		parameters: { events: ['completed'] },
		credentials: apiCredentials(sandbox()),
	});
	const kinds: Array<() => Promise<unknown>> = [
		() =>
			runActionNode({
				parameters: { resource: 'account', operation: 'getBalance' },
				credentials: apiCredentials(sandbox()),
				start: { mode: 'webhook', executionId: nextId() },
			}),
		() =>
			runActionNode({
				parameters: placeCall(),
				items: [{ number: OTHER(done) }],
				credentials: apiCredentials(sandbox()),
				start: { mode: 'webhook', executionId: nextId() },
			}),
		() =>
			runActionNode({
				parameters: { resource: 'verification', operation: 'sendCode', number: OTHER(done + 7) },
				credentials: apiCredentials(sandbox()),
				start: { mode: 'webhook', executionId: nextId() },
			}),
		() => trigger.poll(),
	];
	const loops = Array.from({ length: workers }, async (_, worker) => {
		for (let i = worker; running; i++) {
			await kinds[i % kinds.length]();
			done++;
		}
	});
	return {
		count: () => done,
		stop: async () => {
			running = false;
			await Promise.all(loops);
			return done;
		},
	};
}

describe.each([
	['Call › Place', placeCall(), '/calls'],
	['Campaign › Trigger', triggerCampaign(), '/campaigns/57/trigger'],
])('a busy instance: %s under Retry On Fail', (_name, parameters, path) => {
	it('the customers the first tries placed are called once, however many node runs happen between tries', async () => {
		// The failing item fails its first two tries (three attempts each), then goes through.
		sandbox().control.injectFault({
			kind: 'status503',
			number: NUMBERS[FAILING_INDEX],
			method: 'POST',
			path,
			count: 6,
		});
		const load = backgroundLoad();
		const blast = await runActionNode({
			parameters,
			items: NUMBERS.map((number) => ({ number })),
			credentials: apiCredentials(sandbox()),
			settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 5000 },
			start: { mode: 'webhook', executionId: nextId() },
		});
		const others = await load.stop();

		// Two waits of 5 s: far more other node runs than the 200 the old memory held.
		expect(others).toBeGreaterThan(300);
		expect(blast.error).toBeUndefined();
		const counts = callsPerNumber(sandbox());
		expect(NUMBERS.map((number) => counts.get(number))).toEqual(NUMBERS.map(() => 1));
		const output = jsonOf(blast.items);
		expect(output.map((json) => json.placedBy ?? null)).toEqual(
			NUMBERS.map((_n, i) => (i < FAILING_INDEX ? 'earlierTry' : null)),
		);
		expect(hintsOf(blast)).toEqual([
			'30 items were placed by try 1 of this node (Retry On Fail; this is try 3) and not dialled again.',
		]);
	}, 120_000);
});

/** A node that holds its items until the test lets them through: time for other node runs. */
let release: () => void = () => {};
class PauseNode {
	description = {
		displayName: 'Pause',
		name: 'pause',
		group: ['transform'],
		version: 1,
		description: 'Waits for the test',
		defaults: { name: 'Pause' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		await new Promise<void>((resolve) => (release = resolve));
		return [this.getInputData()];
	}
}
registerNodeType('test.pause', new PauseNode() as never);

describe('a busy instance: Send Code repeated in one execution', () => {
	it('a second Send Code to the same numbers, a thousand node runs later, reuses the pending codes', async () => {
		const numbers = NUMBERS.slice(0, 5);
		const sendCode = (id: string, name: string, x: number, number: string): INode => ({
			id,
			name,
			type: ACTION_NODE_TYPE,
			typeVersion: 1,
			position: [x, 0],
			parameters: {
				resource: 'verification',
				operation: 'sendCode',
				number,
			},
			credentials: { agentiveVoiceApi: { id: '1', name: 'Agentive Voice account' } },
		});
		const nodes: INode[] = [
			itemsNode(numbers.map((number) => ({ number }))),
			sendCode('first', 'First Send', 200, '={{ $json.number }}'),
			{
				id: 'pause',
				name: 'Pause',
				type: 'test.pause',
				typeVersion: 1,
				position: [400, 0],
				parameters: {},
			},
			sendCode('second', 'Second Send', 600, "={{ $('Items').item.json.number }}"),
		];
		const link = (node: string) => ({ main: [[{ node, type: 'main' as const, index: 0 }]] });
		const connections = {
			Items: link('First Send'),
			'First Send': { main: [[{ node: 'Pause', type: 'main' as const, index: 0 }]] },
			Pause: link('Second Send'),
		};
		const load = backgroundLoad();
		const running = runWorkflow({ nodes, connections }, apiCredentials(sandbox()), {
			mode: 'webhook',
			executionId: nextId(),
		});
		while (load.count() < 1000) await new Promise((resolve) => setTimeout(resolve, 50));
		release();
		const result = await running;
		await load.stop();

		expect(result.error).toBeUndefined();
		const first = jsonOf(result.output('First Send'));
		const second = jsonOf(result.output('Second Send'));
		expect(second.map((json) => json.request_id)).toEqual(first.map((json) => json.request_id));
		expect(second.every((json: IDataObject) => json.sentEarlierInExecution === true)).toBe(true);
		const sent = apiRequests(sandbox(), 'POST', '/otp/send').filter((entry) =>
			numbers.some((number) => JSON.stringify(entry.body ?? '').includes(number)),
		);
		expect(sent).toHaveLength(5);
	}, 120_000);
});

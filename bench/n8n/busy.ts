/**
 * `npm run bench:n8n -- --only=busy`: issue 22's scenario, a blast under Retry On Fail on a BUSY n8n.
 *
 *   blast:  Webhook → Code (300 numbers) → Agentive Voice (Place Call or Trigger Campaign, defaults;
 *           Settings › Retry On Fail, Max Tries 3, Wait Between Tries 5000 ms), rate-limited sandbox;
 *           item 271's placements answer 503 (always, or for the first 2 tries)
 *   load:   another published workflow, Webhook (answers when done) → Agentive Voice › Get Balance on
 *           the unlimited sandbox, hammered by the bench from LOAD_CLIENTS loops for the whole blast
 *
 * Before the placement ledger (issue 22) every node run took one of 200 memory slots, oldest first,
 * so a few hundred load runs between tries made the next try forget what the first had placed.
 * One line per variant:
 *
 *   busy (<variant>): <P>/<N> numbers called once, <D> duplicate calls, <K> other node runs meanwhile, execution <status>
 *
 * N = numbers that should be called (the 270 before the failing item when it always fails, all 300
 * when it recovers), P = those called exactly once, D = calls beyond one per number, K = load
 * executions that finished successfully while the blast ran.
 */
import axios from 'axios';
import type { WorkflowImport } from '../../e2e/lib/n8n';
import { CREDENTIAL_TYPE, NODE_TYPES } from '../../e2e/lib/paths';
import { formatDuration, log } from '../../e2e/lib/proc';
import type { Runtime } from '../../e2e/lib/runtime';
import { numberKey, type RateLimit } from './metrics';
import type { PrivatePack } from './pack';
import { rofWorkflow } from './retry-on-fail';
import {
	perNumberCalls,
	RETRY_NODE_NAME,
	retryNumbers,
	startBlast,
	webhookPath,
} from './retry-scenario';
import { LIMITED_CREDENTIAL, startPublishedStack, UNLIMITED_CREDENTIAL } from './stack';

const BUSY_N = 300;
const FAILING_ITEM = 271;
const MAX_TRIES = 3;
const WAIT_MS = 5000;
const LOAD_CLIENTS = 10;
const LOAD_ID = 'busyLoadBalance0';

type Operation = 'place' | 'trigger';
interface Variant {
	operation: Operation;
	failure: 'always' | 'recovers';
}
const VARIANTS: Variant[] = [
	{ operation: 'place', failure: 'recovers' },
	{ operation: 'trigger', failure: 'recovers' },
	{ operation: 'place', failure: 'always' },
];

const variantName = (v: Variant) =>
	`${v.operation === 'place' ? 'Place Call' : 'Trigger Campaign'}, ${BUSY_N} numbers, item ${FAILING_ITEM} ${
		v.failure === 'always' ? 'always failing' : 'failing for 2 tries'
	}, Max Tries ${MAX_TRIES}, wait ${WAIT_MS / 1000} s`;

const blastId = (operation: Operation) => `busy${operation === 'place' ? 'Plac' : 'Trig'}0`;

/** The Retry On Fail workflow under its own id and webhook, waiting 5 s between tries. */
function blastWorkflow(operation: Operation): WorkflowImport {
	const base = rofWorkflow(operation, LIMITED_CREDENTIAL, false);
	const id = blastId(operation);
	return {
		...base,
		id,
		name: `busy: ${operation}`,
		nodes: base.nodes.map((node) => {
			const renamed = { ...node, id: `${id}-${String(node.id).split('-').pop()}` };
			if (node.type === 'n8n-nodes-base.webhook')
				return {
					...renamed,
					webhookId: `${id}-hook`,
					parameters: { ...(node.parameters as object), path: webhookPath(id) },
				};
			return node.name === RETRY_NODE_NAME ? { ...renamed, waitBetweenTries: WAIT_MS } : renamed;
		}),
	};
}

/** The other published workflow: one Get Balance per webhook request, answered when it is done. */
function loadWorkflow(): WorkflowImport {
	return {
		id: LOAD_ID,
		name: 'busy: load (Get Balance)',
		active: false,
		nodes: [
			{
				id: `${LOAD_ID}-webhook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${LOAD_ID}-hook`,
				parameters: {
					httpMethod: 'POST',
					path: webhookPath(LOAD_ID),
					responseMode: 'lastNode',
					options: {},
				},
			},
			{
				id: `${LOAD_ID}-node`,
				name: 'Balance',
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'account', operation: 'getBalance' },
				credentials: { [CREDENTIAL_TYPE]: UNLIMITED_CREDENTIAL },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Balance', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** Hits the load webhook from several loops until stopped; counts the runs that succeeded. */
function hammer(baseUrl: string): { stop(): Promise<number> } {
	let running = true;
	let done = 0;
	const url = `${baseUrl}/webhook/${webhookPath(LOAD_ID)}`;
	const loops = Array.from({ length: LOAD_CLIENTS }, async () => {
		while (running) {
			const response = await axios
				.post(url, {}, { validateStatus: () => true, timeout: 60_000 })
				.catch(() => undefined);
			if (response?.status === 200) done++;
		}
	});
	return {
		stop: async () => {
			running = false;
			await Promise.all(loops);
			return done;
		},
	};
}

export interface BusyBenchOptions {
	runtime: Runtime;
	packed: PrivatePack;
	rate: RateLimit;
	onStop(stop: () => Promise<void>): void;
}

export async function runBusyBench(options: BusyBenchOptions): Promise<void> {
	const started = Date.now();
	const workflows = [blastWorkflow('place'), blastWorkflow('trigger'), loadWorkflow()];
	const { stack, sandbox } = await startPublishedStack(options, workflows);
	process.stdout.write(
		`# busy-instance benchmark: n8n ${options.runtime.n8nVersion}; blast of ${BUSY_N} under Retry On Fail` +
			` (Max Tries ${MAX_TRIES}, Wait Between Tries ${WAIT_MS} ms), item ${FAILING_ITEM}'s placements answer 503;` +
			` meanwhile ${LOAD_CLIENTS} clients call a published Webhook → Get Balance workflow back to back;` +
			` sandbox rate limit ${options.rate.limit} per ${options.rate.windowMs / 1000} s (blast), unlimited (load)\n`,
	);
	for (const [index, variant] of VARIANTS.entries()) {
		const name = variantName(variant);
		log(`busy (${name})…`);
		const numbers = retryNumbers(70 + index, BUSY_N);
		await sandbox.reset();
		await sandbox.clearFaults();
		await sandbox.failNumber(numbers[FAILING_ITEM - 1], variant.failure === 'always' ? 1000 : 6);
		const load = hammer(stack.n8n.baseUrl);
		const runStarted = Date.now();
		const blast = await startBlast(stack.n8n.rest, stack.n8n.baseUrl, blastId(variant.operation), {
			numbers,
			refPrefix: `busy-${index}`,
		});
		const others = await load.stop();
		await sandbox.clearFaults();
		const expected = variant.failure === 'always' ? numbers.slice(0, FAILING_ITEM - 1) : numbers;
		const perNumber = perNumberCalls(await sandbox.calls(), numbers);
		const total = [...perNumber.values()].reduce((sum, list) => sum + list.length, 0);
		const once = expected.filter((n) => perNumber.get(numberKey(n))?.length === 1).length;
		const status =
			blast.status === 'success' ? 'succeeded' : blast.status === 'error' ? 'failed' : blast.status;
		process.stdout.write(
			`busy (${name}): ${once}/${expected.length} numbers called once, ${total - perNumber.size} duplicate calls, ${others} other node runs meanwhile, execution ${status}\n` +
				`# execution ${blast.executionId} after ${formatDuration(Date.now() - runStarted)}\n`,
		);
	}
	process.stdout.write(`# total ${formatDuration(Date.now() - started)}\n`);
}

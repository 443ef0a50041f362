/**
 * Issue 17 in a real n8n 2.41.1: the node's Settings › Retry On Fail must never dial a customer twice.
 *
 * Webhook → Code (40 numbers) → Agentive Voice with Retry On Fail on (Max Tries 3, Wait Between Tries
 * 1000 ms); the scenario is bench/n8n/retry-on-fail.ts's, which `npm run bench:n8n --
 * --only=retry-on-fail` prints. n8n re-runs the node's `execute` inside the same execution with all 40
 * items after a failed try:
 *
 * - Place Call, Trigger Campaign and Send Code, item 31 failing for 2 tries, then recovering: every
 *   number called exactly once (one code each), the execution succeeds, 40 output items (each with its
 *   own number's call), the 30 calls the first try placed marked `placedBeforeRetry: true`,
 *   `placedBy: "earlierTry"`, and the node's execution hint counts them;
 * - Place Call, item 31 always failing: the 30 numbers before it called exactly once (not once per
 *   try), nothing after it, and the execution fails at item 31.
 *
 * One n8n and one sandbox for the suite; the sandbox is reset before each test.
 */
import { bootSuiteStack, stopSuiteStack } from '../lib/harness';
import { log } from '../lib/proc';
import { SANDBOX_CREDENTIAL, type Stack } from '../lib/stack';
import { numberKey } from '../../bench/n8n/metrics';
import {
	activateAll,
	lastRunItems,
	MARKER_FIELD,
	RETRY_NODE_NAME,
	RetrySandbox,
	type ScenarioContext,
} from '../../bench/n8n/retry-scenario';
import {
	ROF_FAILING_ITEM,
	ROF_MAX_TRIES,
	ROF_N,
	rofDetail,
	rofFaultUses,
	rofLine,
	rofVariantName,
	rofWorkflows,
	runRofVariant,
	type RofVariant,
} from '../../bench/n8n/retry-on-fail';

const LABEL = 'retry-on-fail';
const BEFORE = Array.from({ length: ROF_FAILING_ITEM - 1 }, (_, index) => index);

describe('n8n Retry On Fail on the node never dials a customer twice', () => {
	let stack: Stack;
	let ctx: ScenarioContext;
	const started = Date.now();

	beforeAll(async () => {
		const workflows = rofWorkflows(SANDBOX_CREDENTIAL, false);
		stack = await bootSuiteStack(LABEL, { workflows, seedCalls: 0 });
		await activateAll(
			stack.n8n.rest,
			workflows.map((workflow) => workflow.id as string),
		);
		ctx = {
			rest: stack.n8n.rest,
			baseUrl: stack.n8n.baseUrl,
			sandbox: new RetrySandbox(`${stack.sandbox.origin}/__sandbox`),
		};
	}, 600_000); // n8n's start-up alone took 3 minutes on the loaded 2-core machine

	afterAll(async () => {
		await stopSuiteStack(stack, LABEL);
		log(`e2e ${LABEL}: suite took ${Math.round((Date.now() - started) / 1000)} s`);
	});

	async function run(variant: RofVariant, series: number) {
		const result = await runRofVariant(ctx, variant, series);
		log(`e2e ${LABEL}: ${rofLine(rofVariantName(variant), result.measure)}`);
		log(`e2e ${LABEL}:   ${rofDetail(result)}`);
		return result;
	}

	it.each([
		{ operation: 'place' as const, name: 'Place Call', series: 60 },
		{ operation: 'trigger' as const, name: 'Trigger Campaign', series: 62 },
		{ operation: 'sendCode' as const, name: 'Send Code', series: 63 },
	])(
		'$name, item 31 failing for 2 tries, then recovering: every number called once, the execution succeeds, the earlier calls marked',
		async ({ operation, series }) => {
			const variant: RofVariant = { operation, failure: 'recovers' };
			const { measure: m, numbers, blast } = await run(variant, series);
			// n8n really tried the node 3 times: item 31 was attempted in every try (3 placements per try
			// for a call, 1 send for a code), refused in the first 2, and went through in the 3rd.
			const calls = await ctx.sandbox.calls();
			const failingPosts = (await ctx.sandbox.log()).filter(
				(entry) =>
					entry.method === 'POST' &&
					numberKey((entry.body as { number?: unknown } | undefined)?.number) ===
						numberKey(numbers[ROF_FAILING_ITEM - 1]),
			);
			expect(
				failingPosts.map((entry) => (entry.status === 503 ? 503 : Math.floor(entry.status / 100))),
			).toEqual([...Array<number>(rofFaultUses(variant)).fill(503), 2]);

			expect({
				n: m.n,
				calledOnce: m.calledOnce,
				duplicates: m.duplicates,
				status: m.status,
				outputItems: m.outputItems,
				mismatched: m.mismatched,
			}).toEqual({
				n: ROF_N,
				calledOnce: ROF_N,
				duplicates: 0,
				status: 'success',
				outputItems: ROF_N,
				mismatched: 0,
			});
			// The items the first try placed carry the marker and say which kind of earlier run placed them.
			expect(m.marked).toEqual(BEFORE);
			expect(m.placedBy).toEqual(['earlierTry']);
			const items = lastRunItems(blast.runData);
			const byNumber = new Map(calls.map((call) => [numberKey(call.to_number), call]));
			items.forEach((item, index) => {
				expect(item.unique_id).toBe(byNumber.get(numberKey(numbers[index]))?.unique_id);
				if (index >= ROF_FAILING_ITEM - 1) expect(item[MARKER_FIELD]).not.toBe(true);
			});
			// The editor shows it on the node: a hint counting the items not dialled again.
			expect(m.hints.join('\n')).toMatch(
				new RegExp(
					`\\b${ROF_FAILING_ITEM - 1} items were placed by try 1 of this node\\b.*\\btry 3\\b`,
				),
			);
			expect(blast.runData.resultData.runData[RETRY_NODE_NAME]).toHaveLength(1);
		},
	);

	it('Place Call, item 31 always failing: the 30 numbers before it called once (not once per try), none after it, the execution fails', async () => {
		const { measure: m, numbers } = await run({ operation: 'place', failure: 'always' }, 61);
		expect({
			n: m.n,
			calledOnce: m.calledOnce,
			duplicates: m.duplicates,
			unexpected: m.unexpected,
			status: m.status,
		}).toEqual({
			n: ROF_FAILING_ITEM - 1,
			calledOnce: ROF_FAILING_ITEM - 1,
			duplicates: 0,
			unexpected: 0,
			status: 'error',
		});
		// Every try reached item 31 (3 placement attempts each), so the tries did run.
		const failingPosts = (await ctx.sandbox.log()).filter(
			(entry) =>
				entry.method === 'POST' &&
				numberKey((entry.body as { number?: unknown } | undefined)?.number) ===
					numberKey(numbers[ROF_FAILING_ITEM - 1]),
		);
		expect(failingPosts).toHaveLength(3 * ROF_MAX_TRIES);
		expect(failingPosts.every((entry) => entry.status === 503)).toBe(true);
	});
});

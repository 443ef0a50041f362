/**
 * `npm run bench:n8n -- --only=retry-on-fail`: issue 17's scenario, n8n's own Settings › Retry On Fail
 * on the Agentive Voice node in a real n8n 2.41.1, against the benchmark's rate-limited sandbox.
 *
 *   Webhook → Code (40 numbers from the request body) → Agentive Voice (Place Call or Trigger Campaign,
 *   every parameter at its default; Settings › Retry On Fail on, Max Tries 3, Wait Between Tries 1000 ms)
 *
 * The sandbox fails item 31's placements with 503 (a fault with `number`): either always, or for the
 * node's 3 placement attempts of each of the first 2 tries, after which the API recovers and the 3rd
 * try goes through. n8n re-runs the node's `execute` inside the same execution with all 40 items
 * (n8n-core workflow-execute: the runNode loop of getRetryParams). One line per variant:
 *
 *   retry on fail (<variant>): <P>/<N> numbers called once, <D> duplicate calls, execution <status>
 *
 * N = the numbers that should be called: the 30 before the failing item when it always fails, all 40
 * when the failure clears. P = those of them called exactly once; D = calls to the batch's numbers
 * beyond one per number. Lines starting with `#` give the details (requests, output items marked as
 * placed by an earlier try, the node's execution hints). The e2e test e2e/retry/retry-on-fail.e2e.test.ts
 * runs the same scenario.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkflowImport } from '../../e2e/lib/n8n';
import { WORK_DIR } from '../../e2e/lib/paths';
import { formatDuration, log } from '../../e2e/lib/proc';
import type { Runtime } from '../../e2e/lib/runtime';
import type { LoggedRequest } from '../../sandbox/types';
import { numberKey, type RateLimit } from './metrics';
import type { PrivatePack } from './pack';
import {
	lastRunItems,
	MARKER_FIELD,
	perNumberCalls,
	RETRY_NODE_NAME,
	retryNumbers,
	retryWorkflow,
	startBlast,
	webhookPath,
	type Blast,
	type ScenarioContext,
} from './retry-scenario';
import { LIMITED_CREDENTIAL, startPublishedStack } from './stack';
import type { CredentialRef } from './workflows';

export const ROF_N = 40;
/** 1-based: the item whose placements fail. */
export const ROF_FAILING_ITEM = 31;
export const ROF_MAX_TRIES = 3;
export const ROF_WAIT_BETWEEN_TRIES_MS = 1000;
/**
 * Placement attempts per item in one try: up to 3 for a call (docs/assumptions.md); Send Code sends
 * once (a lost or refused send is never sent again within a try).
 */
const ATTEMPTS_PER_TRY: Record<RofOperation, number> = { place: 3, trigger: 3, sendCode: 1 };
/** Tries of the node that fail item 31 in the "failing for a while" variants; the next one succeeds. */
export const ROF_FAILING_TRIES = 2;
/** Far more uses than the node can make in one execution: the fault outlasts every try. */
const ALWAYS = 1000;

/** The bench runs Place Call and Trigger Campaign; the e2e test adds Send Code. */
export type RofOperation = 'place' | 'trigger' | 'sendCode';

const OPERATION_NAME: Record<RofOperation, string> = {
	place: 'Place Call',
	trigger: 'Trigger Campaign',
	sendCode: 'Send Code',
};
export type RofFailure = 'always' | 'recovers';

export interface RofVariant {
	operation: RofOperation;
	failure: RofFailure;
}

export function rofVariantName(variant: RofVariant): string {
	const operation = OPERATION_NAME[variant.operation];
	const failure =
		variant.failure === 'always'
			? `item ${ROF_FAILING_ITEM} always failing`
			: `item ${ROF_FAILING_ITEM} failing for ${ROF_FAILING_TRIES} tries, then recovering`;
	return `${operation}, ${failure}`;
}

/** How many placement requests of item 31 the sandbox refuses. */
export function rofFaultUses(variant: RofVariant): number {
	return variant.failure === 'always'
		? ALWAYS
		: ATTEMPTS_PER_TRY[variant.operation] * ROF_FAILING_TRIES;
}

/** The bench's variants: Place Call and Trigger Campaign, each always failing and recovering. */
export function rofVariants(): RofVariant[] {
	return (['place', 'trigger'] as const).flatMap((operation) =>
		(['always', 'recovers'] as const).map((failure) => ({ operation, failure })),
	);
}

export function rofWorkflowId(operation: RofOperation): string {
	return `retryOnFail${{ place: 'Plac', trigger: 'Trig', sendCode: 'Code' }[operation]}0`;
}

/**
 * The retry scenario's workflow (bench/n8n/retry-scenario.ts: generated Reference IDs, On Error "Stop
 * Workflow") under its own id and webhook, with the node's Settings › Retry On Fail turned on.
 */
export function rofWorkflow(
	operation: RofOperation,
	credential: CredentialRef,
	active = true,
): WorkflowImport {
	const base = retryWorkflow(operation, 'generated', credential, active);
	const id = rofWorkflowId(operation);
	return {
		...base,
		id,
		name: `retry on fail: ${OPERATION_NAME[operation]}`,
		nodes: base.nodes.map((node) => {
			const renamed = { ...node, id: `${id}-${String(node.id).split('-').pop()}` };
			if (node.type === 'n8n-nodes-base.webhook')
				return {
					...renamed,
					webhookId: `${id}-hook`,
					parameters: { ...(node.parameters as object), path: webhookPath(id) },
				};
			if (node.name === RETRY_NODE_NAME)
				return {
					...renamed,
					retryOnFail: true,
					maxTries: ROF_MAX_TRIES,
					waitBetweenTries: ROF_WAIT_BETWEEN_TRIES_MS,
				};
			return renamed;
		}),
	};
}

export function rofWorkflows(credential: CredentialRef, active = true): WorkflowImport[] {
	return (['place', 'trigger', 'sendCode'] as const).map((operation) =>
		rofWorkflow(operation, credential, active),
	);
}

export interface RofMeasure {
	/** Numbers that should be called: before the failing item (always failing) or all (recovering). */
	n: number;
	/** Of those, numbers called exactly once. */
	calledOnce: number;
	/** Calls to the batch's numbers beyond one per number. */
	duplicates: number;
	/** Batch numbers that should not have been called and were (the failing item and after, always failing). */
	unexpected: number;
	status: string;
	/** The node's output items (its last run, first output). */
	outputItems: number;
	/** 0-based indexes of output items carrying `placedBeforeRetry: true`. */
	marked: number[];
	/** Distinct `placedBy` values of the marked items. */
	placedBy: string[];
	/** Output items whose unique_id is not a call to that item's own number. */
	mismatched: number;
	/** Placement requests (POST /calls or POST /campaigns/…) the execution made, and List calls lookups. */
	posts: number;
	listCalls: number;
	/** Execution hints n8n stored on the node's run (messages). */
	hints: string[];
	/** The execution's error message, when it failed. */
	error?: string;
}

export interface RofRun {
	variant: RofVariant;
	numbers: string[];
	blast: Blast;
	measure: RofMeasure;
	wallMs: number;
}

export function rofLine(name: string, m: RofMeasure): string {
	const status = m.status === 'success' ? 'succeeded' : m.status === 'error' ? 'failed' : m.status;
	return `retry on fail (${name}): ${m.calledOnce}/${m.n} numbers called once, ${m.duplicates} duplicate calls, execution ${status}`;
}

export function rofDetail(run: RofRun): string {
	const m = run.measure;
	return (
		`${rofVariantName(run.variant)}: execution ${run.blast.executionId} ${m.status} after ${formatDuration(run.wallMs)};` +
		` ${m.posts} POST, ${m.listCalls} GET /calls; ${m.outputItems} output items, ${m.marked.length} marked ${MARKER_FIELD}` +
		`${m.placedBy.length ? ` (placedBy ${m.placedBy.join(', ')})` : ''}` +
		`${m.unexpected ? `; ${m.unexpected} numbers called that should not have been` : ''}` +
		`${m.mismatched ? `; ${m.mismatched} items with another number's call` : ''}` +
		`; hints: ${m.hints.length ? m.hints.map((hint) => JSON.stringify(hint)).join(' ') : 'none'}` +
		`${m.error ? `; error: ${m.error}` : ''}`
	);
}

/** The hints n8n stored with the node's last run (NodeExecutionHint: { message, location? }). */
export function nodeHints(blast: Blast, nodeName = RETRY_NODE_NAME): string[] {
	const runs = blast.runData.resultData.runData[nodeName] ?? [];
	const hints = (runs[runs.length - 1]?.hints ?? []) as Array<{ message?: unknown }>;
	return hints.map((hint) => String(hint.message ?? ''));
}

function placementRequests(entries: LoggedRequest[]) {
	return {
		posts: entries.filter((entry) => entry.method === 'POST').length,
		listCalls: entries.filter((entry) => entry.method === 'GET' && entry.path === '/calls').length,
	};
}

/** One variant on a freshly reset sandbox: arm the fault on item 31's number, run the blast, measure. */
export async function runRofVariant(
	ctx: ScenarioContext,
	variant: RofVariant,
	series: number,
): Promise<RofRun> {
	const numbers = retryNumbers(series, ROF_N);
	const failing = numbers[ROF_FAILING_ITEM - 1];
	await ctx.sandbox.reset();
	await ctx.sandbox.clearFaults();
	await ctx.sandbox.failNumber(failing, rofFaultUses(variant));
	const started = Date.now();
	const blast = await startBlast(ctx.rest, ctx.baseUrl, rofWorkflowId(variant.operation), {
		numbers,
		refPrefix: `rof-${series}`,
	});
	const wallMs = Date.now() - started;
	await ctx.sandbox.clearFaults();
	const calls = await ctx.sandbox.calls();
	const perNumber = perNumberCalls(calls, numbers);
	const expected = variant.failure === 'always' ? numbers.slice(0, ROF_FAILING_ITEM - 1) : numbers;
	const expectedKeys = new Set(expected.map(numberKey));
	const total = [...perNumber.values()].reduce((sum, list) => sum + list.length, 0);
	const items = lastRunItems(blast.runData);
	const byId = new Map(calls.map((call) => [call.unique_id, call]));
	const marked = items.flatMap((item, index) => (item[MARKER_FIELD] === true ? [index] : []));
	const runs = blast.runData.resultData.runData[RETRY_NODE_NAME] ?? [];
	const measure: RofMeasure = {
		n: expected.length,
		calledOnce: expected.filter((number) => perNumber.get(numberKey(number))?.length === 1).length,
		duplicates: total - perNumber.size,
		unexpected: [...perNumber.keys()].filter((key) => !expectedKeys.has(key)).length,
		status: blast.status,
		outputItems: items.length,
		marked,
		placedBy: [...new Set(marked.map((index) => String(items[index].placedBy)))],
		mismatched: items.filter(
			(item, index) =>
				numberKey(byId.get(String(item.unique_id))?.to_number) !== numberKey(numbers[index]),
		).length,
		...placementRequests(await ctx.sandbox.log()),
		hints: nodeHints(blast),
		error: runs[runs.length - 1]?.error?.message ?? blast.runData.resultData.error?.message,
	};
	return { variant, numbers, blast, measure, wallMs };
}

export interface RetryOnFailBenchOptions {
	runtime: Runtime;
	packed: PrivatePack;
	rate: RateLimit;
	onStop(stop: () => Promise<void>): void;
}

export async function runRetryOnFailBench(options: RetryOnFailBenchOptions): Promise<void> {
	const started = Date.now();
	const workflows = rofWorkflows(LIMITED_CREDENTIAL, false);
	const { stack, sandbox } = await startPublishedStack(options, workflows);
	const ctx: ScenarioContext = { rest: stack.n8n.rest, baseUrl: stack.n8n.baseUrl, sandbox };
	process.stdout.write(
		`# n8n Retry On Fail benchmark: n8n ${options.runtime.n8nVersion}; Webhook → Code (${ROF_N} numbers) → Agentive Voice, Settings › Retry On Fail` +
			` (Max Tries ${ROF_MAX_TRIES}, Wait Between Tries ${ROF_WAIT_BETWEEN_TRIES_MS} ms); item ${ROF_FAILING_ITEM}'s placements answer 503` +
			` (always, or for ${ROF_FAILING_TRIES} tries); sandbox rate limit ${options.rate.limit} per ${options.rate.windowMs / 1000} s\n`,
	);
	const results: Array<{ variant: string; execution: string; measure: RofMeasure }> = [];
	for (const [index, variant] of rofVariants().entries()) {
		const name = rofVariantName(variant);
		log(`retry on fail (${name})…`);
		const run = await runRofVariant(ctx, variant, 40 + index);
		process.stdout.write(`${rofLine(name, run.measure)}\n# ${rofDetail(run)}\n`);
		results.push({ variant: name, execution: run.blast.executionId, measure: run.measure });
	}
	process.stdout.write(`# total ${formatDuration(Date.now() - started)}\n`);
	const file = path.join(WORK_DIR, 'logs', 'bench-n8n-retry-on-fail-results.json');
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(results, null, 2));
	log(`Results also in ${path.relative(process.cwd(), file)}`);
}

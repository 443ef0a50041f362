/**
 * The "n8n retries a failed execution" scenario of issue 13, shared by the e2e tests
 * (e2e/retry/retry.e2e.test.ts) and `npm run bench:n8n -- --only=retry`:
 *
 *   Webhook → Code (50 numbers from the request body) → Agentive Voice (Place Call, Trigger Campaign or
 *   Send Code), every setting at its default, On Error "Stop Workflow".
 *
 * The sandbox fails item 31's number (a fault with `number`, enough uses for the node's attempts), so
 * the execution fails after 30 calls. Then the execution is retried through n8n's REST API exactly as
 * the editor's Executions › Retry does (n8n 2.41.1, editor-ui executions store):
 *
 *   POST /rest/executions/:id/retry   no body                 "Retry with original workflow"
 *   POST /rest/executions/:id/retry   { "loadWorkflow": true }  "Retry with currently saved workflow"
 *
 * n8n answers once the retry execution has finished (ExecutionService.retry awaits it). Everything is
 * measured from the sandbox: its calls (OTP sends are calls too) and its request log.
 */
import axios from 'axios';
import type { WorkflowImport } from '../../e2e/lib/n8n';
import {
	decodeExecutionData,
	type ExecutionSummary,
	type N8nRest,
	type RunData,
} from '../../e2e/lib/n8n-rest';
import { CREDENTIAL_TYPE, NODE_TYPES } from '../../e2e/lib/paths';
import { sleep } from '../../e2e/lib/proc';
import type { LoggedRequest, PublicCall } from '../../sandbox/types';
import { numberKey } from './metrics';
import type { CredentialRef } from './workflows';

export const RETRY_N = 50;
/** 1-based, as the issue counts: the item whose placement fails in the first execution. */
export const FAILING_ITEM = 31;
export const RETRY_NODE_NAME = 'Agentive Voice';
/** The output field that marks an item whose call the original execution had already placed. */
export const MARKER_FIELD = 'placedBeforeRetry';
/** Placement makes up to 3 attempts per item (docs/assumptions.md); Send Code sends once. */
const FAULT_USES: Record<RetryOperation, number> = { place: 3, trigger: 3, sendCode: 1 };

export type RetryOperation = 'place' | 'trigger' | 'sendCode';
export type IdSource = 'generated' | 'own';
export type RetryKind = 'original' | 'current';

export interface RetryVariant {
	operation: RetryOperation;
	idSource: IdSource;
	retryKind: RetryKind;
}

const OPERATION_LABEL: Record<RetryOperation, string> = {
	place: '',
	trigger: 'Trigger Campaign, ',
	sendCode: 'Send Code, ',
};

/** e.g. "generated, original workflow", "Trigger Campaign, own IDs, currently saved workflow". */
export function variantName(variant: RetryVariant): string {
	const ids =
		variant.idSource === 'own'
			? 'own IDs'
			: variant.operation === 'sendCode'
				? 'defaults'
				: 'generated';
	const retry = variant.retryKind === 'original' ? 'original workflow' : 'currently saved workflow';
	return `${OPERATION_LABEL[variant.operation]}${ids}, ${retry}`;
}

/** Every Place Call and Trigger Campaign variant, then Send Code with its defaults (both retry kinds). */
export function allVariants(): RetryVariant[] {
	const variants: RetryVariant[] = [];
	for (const operation of ['place', 'trigger'] as const)
		for (const idSource of ['generated', 'own'] as const)
			for (const retryKind of ['original', 'current'] as const)
				variants.push({ operation, idSource, retryKind });
	for (const retryKind of ['original', 'current'] as const)
		variants.push({ operation: 'sendCode', idSource: 'generated', retryKind });
	return variants;
}

/** One workflow per operation and ID source; both retry kinds use it. */
export function retryWorkflowId(operation: RetryOperation, idSource: IdSource): string {
	const op = { place: 'Plac', trigger: 'Trig', sendCode: 'Code' }[operation];
	return `retry${op}${idSource === 'own' ? 'Own' : 'Gen'}00000`.slice(0, 16);
}

export function webhookPath(workflowId: string): string {
	return `agentive-retry-${workflowId.toLowerCase()}`;
}

/** 50 distinct valid mobile numbers per series (never a sandbox magic number). */
export function retryNumbers(series: number, count = RETRY_N): string[] {
	const base = 700_000_000 + series * 1000;
	return Array.from({ length: count }, (_, i) => `9${String(base + i).padStart(9, '0')}`);
}

function nodeParameters(operation: RetryOperation, idSource: IdSource): Record<string, unknown> {
	const referenceId = idSource === 'own' ? '={{ $json.ref }}' : '';
	const number = '={{ $json.number }}';
	switch (operation) {
		case 'place':
			return {
				resource: 'call',
				operation: 'place',
				callType: 'audio_blast',
				number,
				audioId: 12,
				referenceId,
			};
		case 'trigger':
			return {
				resource: 'campaign',
				operation: 'trigger',
				campaign: { __rl: true, mode: 'id', value: '57' },
				number,
				referenceId,
			};
		case 'sendCode':
			return { resource: 'verification', operation: 'sendCode', number, referenceId };
	}
}

/** The Code node: one item per number of the webhook's body, with `ref` = `<refPrefix>-<1-based index>`. */
const BATCH_CODE = [
	'const { numbers, refPrefix } = $input.first().json.body;',
	'return numbers.map((number, i) => ({ json: { number, ref: `${refPrefix}-${i + 1}` } }));',
].join('\n');

export function retryWorkflow(
	operation: RetryOperation,
	idSource: IdSource,
	credential: CredentialRef,
	active = true,
): WorkflowImport {
	const id = retryWorkflowId(operation, idSource);
	return {
		id,
		name: `retry scenario: ${operation}, ${idSource} reference ids`,
		active,
		nodes: [
			{
				id: `${id}-webhook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${id}-hook`,
				parameters: { httpMethod: 'POST', path: webhookPath(id), options: {} },
			},
			{
				id: `${id}-code`,
				name: 'Numbers',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: BATCH_CODE },
			},
			{
				id: `${id}-node`,
				name: RETRY_NODE_NAME,
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [440, 0],
				parameters: nodeParameters(operation, idSource),
				credentials: { [CREDENTIAL_TYPE]: credential },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Numbers', type: 'main', index: 0 }]] },
			Numbers: { main: [[{ node: RETRY_NODE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

export function retryWorkflows(credential: CredentialRef, active = true): WorkflowImport[] {
	const seen = new Set<string>();
	return allVariants().flatMap((variant) => {
		const id = retryWorkflowId(variant.operation, variant.idSource);
		if (seen.has(id)) return [];
		seen.add(id);
		return [retryWorkflow(variant.operation, variant.idSource, credential, active)];
	});
}

/** The sandbox over HTTP (a child process): control routes only. */
export class RetrySandbox {
	private readonly http;

	constructor(controlUrl: string) {
		this.http = axios.create({ baseURL: controlUrl, timeout: 30_000 });
	}

	async reset(): Promise<void> {
		await this.http.post('/reset', {});
	}

	async failNumber(number: string, count: number): Promise<void> {
		await this.http.post('/faults', { kind: 'status503', number, count });
	}

	/** Historic calls (the sandbox's seed specs: number, reference_id, created_at in epoch ms, status, direction). */
	async seed(calls: Array<Record<string, unknown>>): Promise<PublicCall[]> {
		return (await this.http.post<{ data: PublicCall[] }>('/calls/seed', { calls })).data.data;
	}

	async clearFaults(): Promise<void> {
		await this.http.delete('/faults');
	}

	async calls(): Promise<PublicCall[]> {
		return (await this.http.get<{ data: PublicCall[] }>('/calls')).data.data;
	}

	async log(): Promise<LoggedRequest[]> {
		return (await this.http.get<{ data: LoggedRequest[] }>('/log')).data.data;
	}
}

export interface Blast {
	executionId: string;
	status: string;
	runData: RunData;
}

const TERMINAL = new Set(['success', 'error', 'crashed', 'canceled']);

/** A dropped or refused connection (n8n under heavy load), as opposed to an HTTP answer. */
function isNetworkError(error: unknown): boolean {
	const code = (error as { code?: string }).code;
	return axios.isAxiosError(error) && error.response === undefined && code !== undefined;
}

/** An idempotent REST step, tried again after a dropped connection (up to 5 times). */
export async function again<T>(step: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await step();
		} catch (error) {
			if (!isNetworkError(error) || attempt >= 5) throw error;
			await sleep(2000 * attempt);
		}
	}
}

/** Publishes (activates) the workflows, so their production webhooks are registered. */
export async function activateAll(rest: N8nRest, workflowIds: string[]): Promise<void> {
	for (const id of workflowIds) {
		await again(async () => {
			if (!(await rest.getWorkflow(id)).active) await rest.activateWorkflow(id);
		});
	}
}

async function newExecution(
	rest: N8nRest,
	workflowId: string,
	known: Set<string>,
	filter: (execution: ExecutionSummary) => boolean = () => true,
) {
	return (await again(() => rest.listExecutions({ workflowId }, 100))).find(
		(execution) => !known.has(String(execution.id)) && filter(execution),
	);
}

/**
 * POSTs the batch to the workflow's production webhook (it answers at once) and waits for the
 * execution it started. A 404 means the webhook is not registered yet (nothing ran): try again.
 */
export async function startBlast(
	rest: N8nRest,
	baseUrl: string,
	workflowId: string,
	body: { numbers: string[]; refPrefix: string },
	timeoutMs = 300_000,
): Promise<Blast> {
	const known = new Set(
		(await again(() => rest.listExecutions({ workflowId }, 100))).map((execution) =>
			String(execution.id),
		),
	);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			const response = await axios.post(`${baseUrl}/webhook/${webhookPath(workflowId)}`, body, {
				validateStatus: () => true,
				timeout: 60_000,
			});
			if (response.status === 200) break;
			if (response.status !== 404 || Date.now() > deadline)
				throw new Error(
					`Webhook of ${workflowId} answered ${response.status}: ${JSON.stringify(response.data)}`,
				);
		} catch (error) {
			// The connection dropped: the execution may have started all the same. Never start a second one.
			if (!isNetworkError(error)) throw error;
			await sleep(3000);
			if (await newExecution(rest, workflowId, known)) break;
		}
		await sleep(500);
	}
	for (;;) {
		const fresh = await newExecution(rest, workflowId, known);
		if (fresh && TERMINAL.has(fresh.status)) {
			const detail = await again(() => rest.getExecution(String(fresh.id)));
			return {
				executionId: String(fresh.id),
				status: detail.status,
				runData: decodeExecutionData(detail),
			};
		}
		if (Date.now() > deadline)
			throw new Error(`No finished execution of ${workflowId} within ${timeoutMs / 1000} s.`);
		await sleep(1000);
	}
}

export interface Retried extends Blast {
	retryOf: string;
	mode: string;
	/** The workflow the retry ran, as n8n stored it with the execution. */
	workflowNodes: Array<Record<string, unknown>>;
}

/**
 * Executions › Retry, exactly as the editor sends it. n8n answers when the retry has finished; if the
 * connection drops first, the retry is found by its retryOf instead (it is never sent twice).
 */
export async function retryExecution(
	rest: N8nRest,
	workflowId: string,
	executionId: string,
	kind: RetryKind,
): Promise<Retried> {
	const known = new Set(
		(await again(() => rest.listExecutions({ workflowId }, 100))).map((execution) =>
			String(execution.id),
		),
	);
	let retryId: string | undefined;
	try {
		const response = await rest.raw(
			'POST',
			`/rest/executions/${encodeURIComponent(executionId)}/retry`,
			kind === 'current' ? { loadWorkflow: true } : undefined,
		);
		if (response.status !== 200)
			throw new Error(
				`Retry of execution ${executionId} answered ${response.status}: ${JSON.stringify(response.data)}`,
			);
		retryId = String((response.data as { data: { id: string } }).data.id);
	} catch (error) {
		if (!isNetworkError(error)) throw error;
		const deadline = Date.now() + 120_000;
		while (retryId === undefined) {
			await sleep(2000);
			retryId = (
				await newExecution(
					rest,
					workflowId,
					known,
					(execution) => String(execution.retryOf) === executionId,
				)
			)?.id;
			if (retryId === undefined && Date.now() > deadline)
				throw new Error(
					`The retry of execution ${executionId} dropped its connection and did not show up.`,
				);
		}
	}
	const detail = await again(() => rest.waitForExecution(String(retryId), 300_000));
	return {
		executionId: String(detail.id),
		status: detail.status,
		runData: decodeExecutionData(detail),
		retryOf: String((detail as { retryOf?: unknown }).retryOf ?? ''),
		mode: detail.mode,
		workflowNodes:
			(detail.workflowData as { nodes?: Array<Record<string, unknown>> } | undefined)?.nodes ?? [],
	};
}

/**
 * "Retry with currently saved workflow" should run something that differs from the original: save a
 * harmless edit (a note on the Agentive Voice node), as a user fixing the workflow would.
 */
export async function saveEditedWorkflow(
	rest: N8nRest,
	workflowId: string,
	note: string,
): Promise<void> {
	const workflow = await again(() => rest.getWorkflow(workflowId));
	const nodes = workflow.nodes.map((node) =>
		node.name === RETRY_NODE_NAME ? { ...node, notes: note } : node,
	);
	await rest.request('PATCH', `/rest/workflows/${encodeURIComponent(workflowId)}`, {
		versionId: workflow.versionId,
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		settings: workflow.settings,
	});
}

/** Items of the node's last run, first output. */
export function lastRunItems(
	runData: RunData,
	nodeName = RETRY_NODE_NAME,
): Array<Record<string, unknown>> {
	const runs = runData.resultData.runData[nodeName] ?? [];
	const last = runs[runs.length - 1];
	return (last?.data?.main?.[0] ?? []).map((item) => item.json);
}

export interface RetryMeasure {
	n: number;
	/** Distinct batch numbers called, both executions together. */
	called: number;
	/** Calls beyond one per number. */
	duplicates: number;
	/** Items on the node's first output in the retry execution. */
	outputItems: number;
	retryStatus: string;
	firstStatus: string;
	/** Calls to batch numbers after the first execution. */
	callsBeforeRetry: number;
	/** 0-based indexes of the retry's output items carrying the marker. */
	marked: number[];
	/** Output items whose unique_id is not a call to that item's own number. */
	mismatched: number;
	/** Requests the retry execution made: GET /calls (list pages), placements (POST). */
	retryRequests: { listCalls: number; posts: number };
	/** Requests the first execution made. */
	firstRequests: { listCalls: number; posts: number };
}

export function retryLine(name: string, m: RetryMeasure): string {
	const status =
		m.retryStatus === 'success'
			? 'succeeded'
			: m.retryStatus === 'error'
				? 'failed'
				: m.retryStatus;
	return `retry (${name}): ${m.called}/${m.n} numbers called, ${m.duplicates} duplicate calls, ${m.outputItems}/${m.n} items in the retry's output, retry execution ${status}`;
}

function requestCounts(entries: LoggedRequest[]): { listCalls: number; posts: number } {
	return {
		listCalls: entries.filter((entry) => entry.method === 'GET' && entry.path === '/calls').length,
		posts: entries.filter((entry) => entry.method === 'POST').length,
	};
}

export function perNumberCalls(calls: PublicCall[], numbers: string[]): Map<string, PublicCall[]> {
	const batch = new Set(numbers.map(numberKey));
	const map = new Map<string, PublicCall[]>();
	for (const call of calls) {
		const key = numberKey(call.to_number);
		if (!batch.has(key)) continue;
		map.set(key, [...(map.get(key) ?? []), call]);
	}
	return map;
}

export interface VariantRun {
	variant: RetryVariant;
	numbers: string[];
	first: Blast;
	retry: Retried;
	/** Calls to the batch's numbers after the first execution, per number. */
	beforeRetry: Map<string, PublicCall[]>;
	/** …and after the retry. */
	afterRetry: Map<string, PublicCall[]>;
	measure: RetryMeasure;
}

export interface ScenarioContext {
	rest: N8nRest;
	/** n8n's base URL (for the webhook). */
	baseUrl: string;
	sandbox: RetrySandbox;
}

/**
 * One variant on a freshly reset sandbox: arm the fault on item 31's number, run the blast, clear what
 * is left of the fault (the outage is over), optionally save an edit, retry, and measure.
 */
export async function runVariant(
	ctx: ScenarioContext,
	variant: RetryVariant,
	series: number,
): Promise<VariantRun> {
	const workflowId = retryWorkflowId(variant.operation, variant.idSource);
	const numbers = retryNumbers(series);
	await ctx.sandbox.reset();
	await ctx.sandbox.failNumber(numbers[FAILING_ITEM - 1], FAULT_USES[variant.operation]);
	const first = await startBlast(ctx.rest, ctx.baseUrl, workflowId, {
		numbers,
		refPrefix: `order-${series}`,
	});
	await ctx.sandbox.clearFaults();
	const logAfterFirst = await ctx.sandbox.log();
	const beforeRetry = perNumberCalls(await ctx.sandbox.calls(), numbers);
	if (variant.retryKind === 'current')
		await saveEditedWorkflow(
			ctx.rest,
			workflowId,
			`Edited before retrying execution ${first.executionId}`,
		);
	const retry = await retryExecution(ctx.rest, workflowId, first.executionId, variant.retryKind);
	const logAll = await ctx.sandbox.log();
	const calls = await ctx.sandbox.calls();
	const afterRetry = perNumberCalls(calls, numbers);
	const items = lastRunItems(retry.runData);
	const byId = new Map(calls.map((call) => [call.unique_id, call]));
	const total = [...afterRetry.values()].reduce((sum, list) => sum + list.length, 0);
	const measure: RetryMeasure = {
		n: numbers.length,
		called: afterRetry.size,
		duplicates: total - afterRetry.size,
		outputItems: items.length,
		retryStatus: retry.status,
		firstStatus: first.status,
		callsBeforeRetry: [...beforeRetry.values()].reduce((sum, list) => sum + list.length, 0),
		marked: items.flatMap((item, index) => (item[MARKER_FIELD] === true ? [index] : [])),
		mismatched: items.filter(
			(item, index) =>
				numberKey(byId.get(String(item.unique_id))?.to_number) !== numberKey(numbers[index]),
		).length,
		retryRequests: requestCounts(logAll.slice(logAfterFirst.length)),
		firstRequests: requestCounts(logAfterFirst),
	};
	return { variant, numbers, first, retry, beforeRetry, afterRetry, measure };
}

/** A one-line account of the details behind a variant's figures. */
export function variantDetail(run: VariantRun): string {
	const m = run.measure;
	return (
		`${variantName(run.variant)}: first execution ${run.first.executionId} ${m.firstStatus} with ${m.callsBeforeRetry} calls` +
		` (${m.firstRequests.posts} POST, ${m.firstRequests.listCalls} GET /calls); retry ${run.retry.executionId} (mode ${run.retry.mode}, retryOf ${run.retry.retryOf})` +
		` ${m.retryStatus}: ${m.retryRequests.posts} POST, ${m.retryRequests.listCalls} GET /calls; ${m.marked.length} items marked ${MARKER_FIELD}` +
		`${m.mismatched ? `; ${m.mismatched} items with another number's call` : ''}`
	);
}

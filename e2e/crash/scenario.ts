/**
 * Issue 18's scenario, shared by the e2e suites in this folder and `npm run bench:n8n -- --only=crash`
 * (bench/n8n/crash.ts): n8n, or the queue-mode worker running a blast, dies in the middle of it.
 *
 *   Webhook → Code (N numbers from the request body) → Agentive Voice › Call › Place, defaults
 *
 * The sandbox's rate limit lets the first window take about half of the batch; the blast then waits
 * for the window to reset, and that is when the process is killed by the pid the harness started (never
 * by name). n8n is started again on the same user folder (same database), the execution is retried with
 * `POST /rest/executions/:id/retry` as the editor's Executions › Retry does, or (queue mode, where that
 * cannot work) the workflow is run again with the node's re-run guard (Options › skipCalledWithinMinutes).
 * Everything is measured from the sandbox: P = distinct numbers called, D = calls beyond one per number,
 * M = numbers never called.
 */
import axios from 'axios';
import type { N8n, WorkflowImport } from '../lib/n8n';
import { decodeExecutionData, type N8nRest, type RunData } from '../lib/n8n-rest';
import { CREDENTIAL_TYPE, NODE_TYPES } from '../lib/paths';
import { log, sleep } from '../lib/proc';
import type { PublicCall } from '../../sandbox/types';
import { numberKey } from '../../bench/n8n/metrics';
import { again, lastRunItems, RetrySandbox } from '../../bench/n8n/retry-scenario';
import type { CredentialRef } from '../../bench/n8n/workflows';

export const CRASH_NODE_NAME = 'Agentive Voice';
/** The node option of the re-run guard (minutes; 0 = off, the default). */
export const GUARD_OPTION = 'skipCalledWithinMinutes';
/** Output markers (docs/assumptions.md, "Crashes and restarts"). */
export const MARKERS = {
	placedBeforeRetry: 'placedBeforeRetry',
	placedBy: 'placedBy',
	skippedRecentCall: 'skippedRecentCall',
} as const;

export function crashWorkflowId(tag: string): string {
	return `crash${tag}0000000000000`.slice(0, 16);
}

export function crashWebhookPath(workflowId: string): string {
	return `agentive-crash-${workflowId.toLowerCase()}`;
}

/** Distinct valid mobile numbers (never a sandbox magic number), one series per row. */
export function crashNumbers(series: number, count: number): string[] {
	const base = 600_000_000 + series * 10_000;
	return Array.from({ length: count }, (_, i) => `9${String(base + i).padStart(9, '0')}`);
}

const BATCH_CODE = [
	'const { numbers } = $input.first().json.body;',
	'return numbers.map((number) => ({ json: { number } }));',
].join('\n');

/** Place Call with every setting at its default (Reference ID generated); `guardMinutes` turns the re-run guard on. */
export function placeParameters(guardMinutes?: number): Record<string, unknown> {
	return {
		resource: 'call',
		operation: 'place',
		callType: 'audio_blast',
		number: '={{ $json.number }}',
		audioId: 12,
		referenceId: '',
		...(guardMinutes ? { options: { [GUARD_OPTION]: guardMinutes } } : {}),
	};
}

export function crashWorkflow(
	workflowId: string,
	credential: CredentialRef,
	options: { active?: boolean; guardMinutes?: number } = {},
): WorkflowImport {
	return {
		id: workflowId,
		name: `crash scenario ${workflowId}`,
		active: options.active ?? true,
		nodes: [
			{
				id: `${workflowId}-webhook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${workflowId}-hook`,
				parameters: { httpMethod: 'POST', path: crashWebhookPath(workflowId), options: {} },
			},
			{
				id: `${workflowId}-code`,
				name: 'Numbers',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: BATCH_CODE },
			},
			{
				id: `${workflowId}-node`,
				name: CRASH_NODE_NAME,
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [440, 0],
				parameters: placeParameters(options.guardMinutes),
				credentials: { [CREDENTIAL_TYPE]: credential },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Numbers', type: 'main', index: 0 }]] },
			Numbers: { main: [[{ node: CRASH_NODE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The user turns the re-run guard on (Options › skipCalledWithinMinutes) in the editor, saves and
 * publishes: PATCH /rest/workflows/:id, then POST /rest/workflows/:id/activate with the new version.
 */
export async function enableGuard(
	rest: N8nRest,
	workflowId: string,
	minutes: number,
): Promise<void> {
	const workflow = await again(() => rest.getWorkflow(workflowId));
	const nodes = workflow.nodes.map((node) =>
		node.name === CRASH_NODE_NAME ? { ...node, parameters: placeParameters(minutes) } : node,
	);
	await rest.request('PATCH', `/rest/workflows/${encodeURIComponent(workflowId)}`, {
		versionId: workflow.versionId,
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		settings: workflow.settings,
	});
	await rest.activateWorkflow(workflowId);
	const saved = await rest.getWorkflow(workflowId);
	const options = (
		saved.nodes.find((node) => node.name === CRASH_NODE_NAME)?.parameters as
			| { options?: Record<string, unknown> }
			| undefined
	)?.options;
	if (options?.[GUARD_OPTION] !== minutes)
		throw new Error(`The saved workflow does not have ${GUARD_OPTION} = ${minutes}.`);
	if (saved.activeVersionId && saved.activeVersionId !== saved.versionId)
		throw new Error(`The edited version of ${workflowId} is not the published one.`);
}

export async function executionIds(rest: N8nRest, workflowId: string): Promise<Set<string>> {
	return new Set(
		(await again(() => rest.listExecutions({ workflowId }, 100))).map((e) => String(e.id)),
	);
}

/**
 * POSTs the batch to the workflow's production webhook (it answers once the execution has started) and
 * resolves with the id of the new execution, without waiting for it to finish.
 */
export async function fireBlast(
	rest: N8nRest,
	baseUrl: string,
	workflowId: string,
	numbers: string[],
	timeoutMs = 120_000,
): Promise<string> {
	const known = await executionIds(rest, workflowId);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await axios.post(
			`${baseUrl}/webhook/${crashWebhookPath(workflowId)}`,
			{ numbers },
			{ validateStatus: () => true, timeout: 60_000 },
		);
		if (response.status === 200) break;
		// 404: the production webhook is not registered yet (nothing ran).
		if (response.status !== 404 || Date.now() > deadline)
			throw new Error(
				`Webhook of ${workflowId} answered ${response.status}: ${JSON.stringify(response.data)}`,
			);
		await sleep(1000);
	}
	for (;;) {
		const fresh = (await again(() => rest.listExecutions({ workflowId }, 100))).find(
			(execution) => !known.has(String(execution.id)),
		);
		if (fresh) return String(fresh.id);
		if (Date.now() > deadline)
			throw new Error(`The webhook of ${workflowId} started no execution that n8n lists.`);
		await sleep(300);
	}
}

/** Calls to the batch's numbers, per number (last 10 digits). */
export function perNumber(calls: PublicCall[], numbers: string[]): Map<string, PublicCall[]> {
	const batch = new Set(numbers.map(numberKey));
	const map = new Map<string, PublicCall[]>();
	for (const call of calls) {
		const key = numberKey(call.to_number);
		if (batch.has(key)) map.set(key, [...(map.get(key) ?? []), call]);
	}
	return map;
}

export interface CallCount {
	n: number;
	/** P: distinct batch numbers called. */
	called: number;
	/** D: calls beyond one per number. */
	duplicates: number;
	/** M: batch numbers never called. */
	never: number;
	/** All calls to batch numbers. */
	calls: number;
}

export function countCalls(calls: PublicCall[], numbers: string[]): CallCount {
	const map = perNumber(calls, numbers);
	const total = [...map.values()].reduce((sum, list) => sum + list.length, 0);
	return {
		n: numbers.length,
		called: map.size,
		duplicates: total - map.size,
		never: numbers.length - map.size,
		calls: total,
	};
}

/** Polls the sandbox until at least `atLeast` calls to the batch exist; resolves with the count. */
export async function untilBatchCalls(
	sandbox: RetrySandbox,
	numbers: string[],
	atLeast: number,
	timeoutMs = 120_000,
): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const count = countCalls(await sandbox.calls(), numbers).calls;
		if (count >= atLeast) return count;
		if (Date.now() > deadline)
			throw new Error(`Only ${count} of ${atLeast} calls within ${timeoutMs / 1000} s.`);
		await sleep(150);
	}
}

/** `succeeded`, `failed`, or n8n's status as it is (crashed, canceled, …). */
export function statusWord(status: string): string {
	return status === 'success' ? 'succeeded' : status === 'error' ? 'failed' : status;
}

/** The benchmark's line, in exactly the issue's format. */
export function crashLine(variant: string, count: CallCount, status: string): string {
	return `crash (${variant}): ${count.called}/${count.n} numbers called, ${count.duplicates} duplicate calls, ${count.never} never called, retry execution ${statusWord(status)}`;
}

export interface ExecutionState {
	id: string;
	status: string;
	mode: string;
	retryOf?: string;
	runData?: RunData;
	/** Node names with run data, and each one's task statuses and start times as saved. */
	nodes: Record<string, Array<{ status?: string; startTime?: number }>>;
	error?: string;
	/** Whether the saved data still has an execution stack (n8n's Retry needs one). */
	nodeExecutionStack?: number;
	customDataKeys: string[];
}

/** The execution as n8n saved it, reduced to what the tests and the report look at. */
export async function readExecution(rest: N8nRest, id: string): Promise<ExecutionState> {
	const detail = await again(() => rest.getExecution(id));
	let runData: RunData | undefined;
	try {
		runData = detail.data ? decodeExecutionData(detail) : undefined;
	} catch {
		runData = undefined;
	}
	const nodes: ExecutionState['nodes'] = {};
	for (const [name, runs] of Object.entries(runData?.resultData.runData ?? {}))
		nodes[name] = runs.map((run) => ({
			status: run.executionStatus as string | undefined,
			startTime: run.startTime as number | undefined,
		}));
	const stack = (runData as { executionData?: { nodeExecutionStack?: unknown[] } } | undefined)
		?.executionData?.nodeExecutionStack;
	const metadata = (runData?.resultData as { metadata?: Record<string, unknown> } | undefined)
		?.metadata;
	return {
		id: String(detail.id),
		status: detail.status,
		mode: detail.mode,
		retryOf: (detail as { retryOf?: string }).retryOf ?? undefined,
		runData,
		nodes,
		error: runData?.resultData.error?.message,
		nodeExecutionStack: Array.isArray(stack) ? stack.length : undefined,
		customDataKeys: Object.keys(metadata ?? {}),
	};
}

/** Waits until the execution has one of `statuses` (after a restart, n8n's recovery sets it). */
export async function untilStatus(
	rest: N8nRest,
	id: string,
	statuses: string[],
	timeoutMs = 180_000,
): Promise<ExecutionState> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const state = await readExecution(rest, id);
		if (statuses.includes(state.status)) return state;
		if (Date.now() > deadline)
			throw new Error(
				`Execution ${id} is still ${state.status} after ${timeoutMs / 1000} s (waiting for ${statuses.join('/')}).`,
			);
		await sleep(1000);
	}
}

/** A short account of a saved execution for the logs and the report. */
export function describeExecution(state: ExecutionState): string {
	const nodes = Object.entries(state.nodes)
		.map(
			([name, runs]) =>
				`${name}: ${runs.map((run) => `${run.status ?? '?'}@${run.startTime ?? '?'}`).join(',')}`,
		)
		.join('; ');
	return (
		`execution ${state.id} (${state.mode}${state.retryOf ? `, retryOf ${state.retryOf}` : ''}) ${state.status}` +
		`; error: ${state.error ?? '-'}; runData: {${nodes}}; nodeExecutionStack: ${state.nodeExecutionStack ?? '-'}` +
		`; custom data: [${state.customDataKeys.join(', ')}]`
	);
}

/**
 * Executions › Retry ("with original workflow"), as the editor sends it: POST /rest/executions/:id/retry
 * with no body. n8n answers once the retry has finished; the retry is then read back by its id. If the
 * answer does not come (the request timed out) or does not name it (1.88), it is found by its retryOf.
 */
export async function retryCrashed(
	rest: N8nRest,
	workflowId: string,
	executionId: string,
	timeoutMs = 600_000,
): Promise<{ httpStatus: number; body: unknown; retry?: ExecutionState }> {
	const known = await executionIds(rest, workflowId);
	let httpStatus = 0;
	let body: unknown;
	let retryId: string | undefined;
	try {
		const response = await rest.raw(
			'POST',
			`/rest/executions/${encodeURIComponent(executionId)}/retry`,
		);
		httpStatus = response.status;
		body = response.data;
		// 2.x and 1.123 answer with the retry execution; 1.88 with its status only (then found by retryOf).
		const data = (response.data as { data?: unknown } | undefined)?.data;
		if (response.status === 200 && typeof data === 'object' && data !== null && 'id' in data)
			retryId = String((data as { id: unknown }).id);
	} catch (error) {
		if (!axios.isAxiosError(error) || error.response !== undefined) throw error;
		log(
			`Retry of ${executionId}: no answer (${error.code}); looking for the retry by its retryOf.`,
		);
	}
	const deadline = Date.now() + timeoutMs;
	while (retryId === undefined && (httpStatus === 0 || httpStatus === 200)) {
		const found = (await again(() => rest.listExecutions({ workflowId }, 100))).find(
			(execution) => !known.has(String(execution.id)) && String(execution.retryOf) === executionId,
		);
		if (found) retryId = String(found.id);
		else if (Date.now() > deadline)
			throw new Error(`The retry of execution ${executionId} did not show up.`);
		else await sleep(2000);
	}
	if (retryId === undefined) return { httpStatus, body };
	await again(() => rest.waitForExecution(String(retryId), timeoutMs));
	return { httpStatus: httpStatus || 200, body, retry: await readExecution(rest, retryId) };
}

/** Items of the node's last run in an execution, and how many carry each marker. */
export function outputMarks(state: ExecutionState | undefined): {
	items: number;
	placedBeforeRetry: number;
	placedBy: Record<string, number>;
	skippedRecentCall: number;
} {
	const items = state?.runData ? lastRunItems(state.runData, CRASH_NODE_NAME) : [];
	const placedBy: Record<string, number> = {};
	for (const item of items) {
		const by = item[MARKERS.placedBy];
		if (typeof by === 'string') placedBy[by] = (placedBy[by] ?? 0) + 1;
	}
	return {
		items: items.length,
		placedBeforeRetry: items.filter((item) => item[MARKERS.placedBeforeRetry] === true).length,
		placedBy,
		skippedRecentCall: items.filter((item) => item[MARKERS.skippedRecentCall] === true).length,
	};
}

export type KillSignal = 'SIGKILL' | 'SIGTERM';

export interface CrashRowOptions {
	/** The n8n process that runs the blast. */
	n8n: N8n;
	/** Re-creates the REST session after n8n is back (log in again). */
	login(): Promise<void>;
	sandbox: RetrySandbox;
	workflowId: string;
	numbers: string[];
	/** Kill once the sandbox has this many calls to the batch. */
	killAt: number;
	signal: KillSignal;
	/** Environment for the next start of n8n (on the same user folder). */
	restartEnv?: Record<string, string>;
}

export interface CrashRow {
	executionId: string;
	callsAtKill: number;
	killed: { code: number | null; signal: string | null; ms: number };
	/** Calls to the batch once n8n had exited. */
	callsAfterExit: number;
	restartMs: number;
	/** The original execution after n8n's recovery, before the retry. */
	original: ExecutionState;
	retry: { httpStatus: number; body: unknown; retry?: ExecutionState };
	count: CallCount;
}

/**
 * Rows 1–3 in regular mode: blast, kill n8n by its pid once `killAt` calls exist, start n8n again on the
 * same user folder, wait for its recovery to settle the execution, retry it, count the calls.
 */
export async function runCrashRow(options: CrashRowOptions): Promise<CrashRow> {
	const { n8n, sandbox, workflowId, numbers } = options;
	await sandbox.reset();
	const executionId = await fireBlast(n8n.rest, n8n.baseUrl, workflowId, numbers);
	const callsAtKill = await untilBatchCalls(sandbox, numbers, options.killAt);
	log(`crash: ${callsAtKill} calls; ${options.signal} to n8n (pid ${n8n.pid})`);
	const killed = await n8n.kill(options.signal);
	const callsAfterExit = countCalls(await sandbox.calls(), numbers).calls;
	log(
		`crash: n8n exited (${killed.signal ?? `code ${killed.code}`}) after ${(killed.ms / 1000).toFixed(1)} s with ${callsAfterExit} calls placed`,
	);
	const restarted = Date.now();
	await n8n.start({ env: options.restartEnv });
	await options.login();
	const restartMs = Date.now() - restarted;
	const original = await untilStatus(n8n.rest, executionId, [
		'crashed',
		'error',
		'canceled',
		'success',
	]);
	log(`crash: after the restart, ${describeExecution(original)}`);
	const retry = await retryCrashed(n8n.rest, workflowId, executionId);
	if (retry.retry) log(`crash: ${describeExecution(retry.retry)}`);
	else log(`crash: retry answered ${retry.httpStatus}: ${JSON.stringify(retry.body)}`);
	const count = countCalls(await sandbox.calls(), numbers);
	return {
		executionId,
		callsAtKill,
		killed,
		callsAfterExit,
		restartMs,
		original,
		retry,
		count,
	};
}

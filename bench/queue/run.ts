/**
 * `npm run bench:queue`: our node and n8n's HTTP Request node in n8n's queue mode (Redis, PostgreSQL,
 * one main, W `n8n worker --concurrency=1` processes; e2e/lib/queue-stack.ts), against one sandbox
 * account at 120 requests per 10 s. In each run every worker runs its own blast execution of 240
 * Place Call items at the same time (distinct numbers), so the workers share nothing but the API:
 *
 *   node, W = 2    Agentive Voice › Call › Place, every option at its default
 *   node, W = 3    the same with a third worker
 *   http, W = 2    HTTP Request with Options › Batching 12 items per 1000 ms (the hand-tuned setting)
 *
 * One line per run:
 *   queue (<route>): <W> workers, <achieved>% of the rate-limit ceiling, <failed>/<N> items failed, <dup> duplicates, <r429> responses were 429
 * measured from the sandbox alone as `npm run bench:n8n` does (bench/n8n/metrics.ts measureRun: the time
 * the windows allow for the N placements over the time they took); `—` when the batch never finished.
 * Lines starting with # are details. A script, not a test: it asserts nothing.
 *
 * Options: --skip-build (use the existing dist/), --items=N (per worker, default 240).
 * BENCH_KEEP=1 keeps the temporary user folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { WorkflowImport } from '../../e2e/lib/n8n';
import { decodeExecutionData, type ExecutionDetail } from '../../e2e/lib/n8n-rest';
import { formatDuration, log, sleep, stopAllLongRunning } from '../../e2e/lib/proc';
import { archiveQueueLogs, startQueueStack, type QueueStack } from '../../e2e/lib/queue-stack';
import { ensureRuntime } from '../../e2e/lib/runtime';
import { archiveLogs, SANDBOX_CREDENTIAL, tempUserFolder } from '../../e2e/lib/stack';
import { measureRun, type RateLimit } from '../n8n/metrics';
import { buildAndPackPrivately, type PrivatePack } from '../n8n/pack';
import { requestLog, resetSandbox, sandboxCalls } from '../n8n/sandbox-http';
import {
	batchNumbers,
	ROUTE_NODE_NAME,
	ROUTES,
	routeWorkflow,
	type RouteId,
} from '../n8n/workflows';

const { values: args } = parseArgs({
	options: {
		'skip-build': { type: 'boolean', default: false },
		items: { type: 'string', default: '240' },
	},
	strict: true,
});

const PER_WORKER = Math.max(1, Number(args.items));
const RATE: RateLimit = { limit: 120, windowMs: 10_000 };
const RUN_TIMEOUT_MS = 10 * 60_000;
const TERMINAL = new Set(['success', 'error', 'crashed', 'canceled']);
const LABEL = 'bench-queue';

interface RunSpec {
	/** The route as printed. */
	name: 'node' | 'http';
	route: RouteId;
	workers: number;
}

const RUNS: RunSpec[] = [
	{ name: 'node', route: 'node', workers: 2 },
	{ name: 'http', route: 'httpBatching', workers: 2 },
	{ name: 'node', route: 'node', workers: 3 },
];
/** Printed in the issue's order: node W=2, node W=3, http W=2. */
const PRINT_ORDER = [0, 2, 1];
const MAX_WORKERS = Math.max(...RUNS.map((run) => run.workers));

const detail = (text: string) => process.stdout.write(`# ${text}\n`);
const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** One workflow per (route, worker slot), each with its own series of numbers. */
function workflowIdFor(route: RouteId, slot: number): string {
	return `benchQ${route.slice(0, 4)}${String(slot).padStart(6, '0')}`.slice(0, 16).padEnd(16, '0');
}

function workflowsFor(url: string): WorkflowImport[] {
	const workflows: WorkflowImport[] = [];
	for (const routeId of new Set(RUNS.map((run) => run.route))) {
		const route = ROUTES.find((candidate) => candidate.id === routeId);
		if (!route) throw new Error(`Unknown route ${routeId}`);
		for (let slot = 1; slot <= MAX_WORKERS; slot++) {
			const workflow = routeWorkflow({
				route,
				target: 'limited',
				url,
				credential: SANDBOX_CREDENTIAL,
				count: PER_WORKER,
				series: 10 + slot,
			});
			workflows.push({
				...workflow,
				id: workflowIdFor(routeId, slot),
				name: `bench:queue ${route.label}, worker slot ${slot} (${PER_WORKER} items)`,
			});
		}
	}
	return workflows;
}

interface Finished {
	id: string;
	status: string;
	worker: number | undefined;
	error?: string;
	outputItems: number;
}

async function runAll(stack: QueueStack, workflowIds: string[]): Promise<Finished[]> {
	const rest = stack.main.rest;
	const ids = await Promise.all(
		workflowIds.map(async (workflowId) => {
			const started = await rest.request<{ executionId?: string }>(
				'POST',
				`/rest/workflows/${workflowId}/run`,
				{ triggerToStartFrom: { name: 'Run' } },
			);
			if (!started.executionId)
				throw new Error(
					`n8n did not start an execution of ${workflowId}: ${JSON.stringify(started)}`,
				);
			return started.executionId;
		}),
	);
	const deadline = Date.now() + RUN_TIMEOUT_MS;
	for (;;) {
		await sleep(1000);
		const listed = await rest.listExecutions({}, 50);
		const done = ids.filter((id) =>
			listed.some(
				(execution) => String(execution.id) === String(id) && TERMINAL.has(execution.status),
			),
		);
		if (done.length === ids.length) break;
		if (Date.now() > deadline)
			throw new Error(
				`Executions ${ids.join(', ')} did not all finish within ${RUN_TIMEOUT_MS / 1000} s.`,
			);
	}
	return await Promise.all(
		ids.map(async (id) => {
			const execution: ExecutionDetail = await rest.getExecution(id);
			const data = decodeExecutionData(execution);
			const tasks = data.resultData.runData[ROUTE_NODE_NAME] ?? [];
			const message =
				data.resultData.error?.message ?? tasks.find((task) => task.error)?.error?.message;
			return {
				id: String(id),
				status: execution.status,
				worker: stack.workerOf(String(id)),
				error: message?.split('\n')[0],
				outputItems: tasks[0]?.data?.main?.[0]?.length ?? 0,
			};
		}),
	);
}

let lastActivity = 0;

async function run(stack: QueueStack, spec: RunSpec): Promise<string> {
	while (stack.workers.length < spec.workers) {
		log(`Adding worker ${stack.workers.length + 1}…`);
		await stack.addWorker();
	}
	// A full window since the last request: the sandbox's window (cleared by the reset) and what the
	// processes learnt from the last headers agree on a fresh, full window.
	const wait = lastActivity + RATE.windowMs + 1000 - Date.now();
	if (wait > 0) await sleep(wait);
	await resetSandbox(stack.sandbox);
	const n = PER_WORKER * spec.workers;
	log(
		`${spec.name}, W = ${spec.workers}: ${spec.workers} executions of ${PER_WORKER} items at once (load average ${os.loadavg()[0].toFixed(1)})…`,
	);
	const started = Date.now();
	let finished: Finished[];
	try {
		finished = await runAll(
			stack,
			Array.from({ length: spec.workers }, (_, i) => workflowIdFor(spec.route, i + 1)),
		);
	} finally {
		lastActivity = Date.now();
	}
	const numbers = Array.from({ length: spec.workers }, (_, i) =>
		batchNumbers(PER_WORKER, 10 + i + 1),
	).flat();
	const measure = measureRun(
		await requestLog(stack.sandbox),
		await sandboxCalls(stack.sandbox),
		numbers,
		RATE,
		false,
	);
	const achieved = measure.percent === undefined ? '—' : fixed(measure.percent);
	const executions = finished.map(
		(execution) =>
			`${execution.id} ${execution.status} on worker ${execution.worker ?? '?'} (${execution.outputItems} items)${execution.error ? `: ${execution.error}` : ''}`,
	);
	detail(
		`${spec.name} W=${spec.workers}: ${formatDuration(Date.now() - started)}; executions ${executions.join('; ')}; ${measure.placeRequests} POST /calls, ` +
			`${measure.rejected429} got 429 (${fixed((100 * measure.rejected429) / Math.max(1, measure.placeRequests), 2)}%); ${measure.placed}/${n} numbers called; ${measure.detail}`,
	);
	return `queue (${spec.name}): ${spec.workers} workers, ${achieved}% of the rate-limit ceiling, ${measure.failed}/${n} items failed, ${measure.duplicates} duplicates, ${measure.rejected429} responses were 429`;
}

const state: {
	stop?: () => Promise<void>;
	pack?: PrivatePack;
	stopping: boolean;
	userFolder?: string;
} = { stopping: false };

async function cleanUp(): Promise<void> {
	if (state.stop) await state.stop();
	else await stopAllLongRunning(5000);
	state.pack?.remove();
	if (state.userFolder) {
		archiveLogs(state.userFolder, LABEL);
		archiveQueueLogs(state.userFolder, LABEL, MAX_WORKERS);
		if (process.env.BENCH_KEEP === '1') log(`Kept ${state.userFolder}`);
		else fs.rmSync(state.userFolder, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	const onSignal = (signal: string) => {
		if (state.stopping) return;
		state.stopping = true;
		log(`${signal}: stopping the workers, the main, Redis, PostgreSQL and the sandbox…`);
		void cleanUp().finally(() => process.exit(130));
	};
	process.on('SIGINT', () => onSignal('SIGINT'));
	process.on('SIGTERM', () => onSignal('SIGTERM'));
	const started = Date.now();
	const runtime = await ensureRuntime();
	state.pack = await buildAndPackPrivately({ skipBuild: args['skip-build'] });
	const userFolder = tempUserFolder(LABEL);
	state.userFolder = userFolder;
	// The sandbox URL is only known once it runs: import the workflows with a placeholder, then patch.
	const stack = await startQueueStack({
		runtime,
		packed: state.pack,
		userFolder,
		workers: Math.min(...RUNS.map((spec) => spec.workers)),
		concurrency: 1,
		n8nPort: 0,
		sandboxPort: 0,
		seedCalls: 0,
		sandboxArgs: [
			'--rate-limit',
			String(RATE.limit),
			'--window-ms',
			String(RATE.windowMs),
			'--otp-limit',
			'unlimited',
		],
		workflows: [],
		onStop: (stop) => {
			state.stop = stop;
		},
	});
	const workflows = workflowsFor(stack.sandbox.url);
	await stack.main.importWorkflows(workflows);
	detail(
		`queue-mode benchmark: n8n ${runtime.n8nVersion}, EXECUTIONS_MODE=queue, Redis + PostgreSQL, workers with --concurrency=1, ${PER_WORKER} items per worker, ` +
			`rate limit ${RATE.limit} per ${RATE.windowMs / 1000} s; ${os.cpus().length} CPUs`,
	);
	const lines: string[] = [];
	for (const spec of RUNS) lines.push(await run(stack, spec));
	for (const index of PRINT_ORDER) process.stdout.write(`${lines[index]}\n`);
	detail(
		`total ${formatDuration(Date.now() - started)}; logs in ${path.relative(process.cwd(), path.join('e2e', '.work', 'logs'))}/${LABEL}-*`,
	);
}

main().then(
	async () => {
		await cleanUp();
		process.exit(0);
	},
	async (error: Error) => {
		if (state.stopping) return;
		process.stderr.write(`bench:queue failed: ${error.stack ?? error.message}\n`);
		await cleanUp();
		process.exit(1);
	},
);

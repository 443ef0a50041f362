/**
 * `npm run bench:n8n`: our node side by side with n8n's HTTP Request node, in one real n8n 2.41.1
 * against the same sandbox (120 requests per 10 s). One batch of distinct numbers, four routes:
 *
 *   node          Agentive Voice › Call › Place (audio_blast, audio 12), every option at its default
 *   http          HTTP Request, default settings, predefined credential type agentiveVoiceApi
 *   httpBatching  the same, with Options › Batching hand-tuned to the limit (12 items per 1000 ms)
 *   httpRetry     the same, with Retry On Fail (5 tries, 5000 ms apart)
 *
 * each alone ("solo") and beside another client using 25% of the account's budget ("shared"), then
 * the per-item overhead of the node and the default HTTP Request against an unlimited sandbox.
 * Prints a Markdown table; docs/notes/bench-n8n-readme.md explains every column.
 *
 * Options: --quick (150 items, fewer overhead rounds), --skip-build (use the existing dist/),
 * --routes=node,http,httpBatching,httpRetry  --modes=solo,shared  --no-overhead  --only-overhead
 * --overhead-rounds=N (default 3). --only=retry runs only n8n's Retry scenario instead (bench/n8n/retry.ts);
 * --only=crash the crash-and-restart scenario (bench/n8n/crash.ts); --only=retry-on-fail the node's
 * Settings › Retry On Fail scenario (bench/n8n/retry-on-fail.ts); --only=busy that blast on a busy n8n
 * (bench/n8n/busy.ts).
 * BENCH_KEEP=1 keeps the temporary n8n user folder. A script, not a test: it asserts nothing about speed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { WORK_DIR } from '../../e2e/lib/paths';
import { formatDuration, log, sleep, stopAllLongRunning } from '../../e2e/lib/proc';
import { ensureRuntime } from '../../e2e/lib/runtime';
import { executeWorkflow, type ExecutionResult } from './execute';
import { measureRun, numberKey, type RateLimit, type RunMeasure } from './metrics';
import { runRetryBench } from './retry';
import { runCrashBench } from './crash';
import { runRetryOnFailBench } from './retry-on-fail';
import { runBusyBench } from './busy';
import { buildAndPackPrivately, type PrivatePack } from './pack';
import {
	requestLog,
	resetSandbox,
	sandboxCalls,
	startOtherClient,
	type OtherClient,
} from './sandbox-http';
import {
	LIMITED_CREDENTIAL,
	startBenchStack,
	UNLIMITED_CREDENTIAL,
	type BenchStack,
} from './stack';
import {
	batchNumbers,
	CREDENTIAL_CHECK_ID,
	credentialCheckWorkflow,
	ROUTE_NODE_NAME,
	ROUTES,
	routeWorkflow,
	workflowId,
	type Route,
	type RouteId,
} from './workflows';

const { values: args } = parseArgs({
	options: {
		quick: { type: 'boolean', default: false },
		'skip-build': { type: 'boolean', default: false },
		routes: { type: 'string' },
		modes: { type: 'string' },
		'no-overhead': { type: 'boolean', default: false },
		'only-overhead': { type: 'boolean', default: false },
		'overhead-rounds': { type: 'string' },
		only: { type: 'string' },
	},
	strict: true,
});

const N = args.quick ? 150 : 360;
const RATE: RateLimit = { limit: 120, windowMs: 10_000 };
/** The other client: 3 GET /account per second = 30 per 10 s window = 25% of the budget. */
const OTHER_PER_SECOND = (RATE.limit * 0.25) / (RATE.windowMs / 1000);
const OVERHEAD_ROUTES: RouteId[] = ['node', 'http'];
const OVERHEAD_ROUNDS = args['overhead-rounds']
	? Math.max(1, Number(args['overhead-rounds']))
	: args.quick
		? 2
		: 3;
const RUN_TIMEOUT_MS = 10 * 60_000;
/** One series of numbers per sandbox: calls are cleared between runs, so routes may share them. */
const SERIES = { limited: 1, unlimited: 2 } as const;

type Mode = 'solo' | 'shared';

const pick = <T extends string>(text: string | undefined, all: readonly T[], name: string): T[] => {
	if (!text) return [...all];
	const wanted = text.split(',').map((part) => part.trim()) as T[];
	const unknown = wanted.filter((part) => !all.includes(part));
	if (unknown.length > 0)
		throw new Error(`Unknown ${name}: ${unknown.join(', ')} (known: ${all.join(', ')}).`);
	return all.filter((part) => wanted.includes(part));
};
const routes = pick(
	args.routes,
	ROUTES.map((route) => route.id),
	'--routes',
).map((id) => ROUTES.find((route) => route.id === id) as Route);
const modes = args['only-overhead'] ? [] : pick<Mode>(args.modes, ['solo', 'shared'], '--modes');
const overheadRoutes = args['no-overhead']
	? []
	: OVERHEAD_ROUTES.filter((id) => routes.some((route) => route.id === id));

const detail = (text: string) => process.stdout.write(`# ${text}\n`);
/** The machine's 1-minute load average: the timing figures depend on it (2 cores here). */
const load = () => os.loadavg()[0].toFixed(1);
const fixed = (value: number, digits = 1) => value.toFixed(digits);

interface Row {
	route: Route;
	mode: Mode;
	measure: RunMeasure;
	execution: ExecutionResult;
	wallMs: number;
	otherSent: number;
	/** 1-minute load average when the run started. */
	loadAtStart: string;
}

interface Overhead {
	route: RouteId;
	/** ms per item of each measured round (node execution time / N). */
	rounds: number[];
	/** ms per item of each round, whole execution (stoppedAt − startedAt) / N. */
	executionRounds: number[];
}

const state: {
	stop?: () => Promise<void>;
	other?: OtherClient;
	pack?: PrivatePack;
	stopping: boolean;
} = { stopping: false };

async function cleanUp(): Promise<void> {
	await state.other?.stop().catch(() => undefined);
	state.other = undefined;
	if (state.stop) await state.stop();
	else await stopAllLongRunning(5000);
	state.pack?.remove();
}

function onSignal(signal: string): void {
	if (state.stopping) return;
	state.stopping = true;
	log(`${signal}: stopping n8n, the sandboxes and the other client…`);
	void cleanUp().finally(() => process.exit(130));
}

/** The rate window of the limited sandbox is reset, and its calls and log cleared, before every run. */
let lastLimitedActivity = 0;

async function limitedRun(stack: BenchStack, route: Route, mode: Mode): Promise<Row> {
	// Let a full window pass since the previous run's last request, so the node's own knowledge of the
	// account's window and the sandbox's (cleared by the reset) agree: a fresh, full window.
	const wait = lastLimitedActivity + RATE.windowMs + 1000 - Date.now();
	if (wait > 0) await sleep(wait);
	await resetSandbox(stack.limited);
	const loadAtStart = load();
	log(`${route.label}, ${mode}: ${N} items (load average ${loadAtStart})…`);
	const started = Date.now();
	let otherSent = 0;
	let execution: ExecutionResult;
	try {
		if (mode === 'shared') state.other = startOtherClient(stack.limited, OTHER_PER_SECOND);
		execution = await executeWorkflow(
			stack.n8n,
			workflowId(route.id, 'limited'),
			ROUTE_NODE_NAME,
			RUN_TIMEOUT_MS,
		);
	} finally {
		if (state.other) otherSent = await state.other.stop();
		state.other = undefined;
		lastLimitedActivity = Date.now();
	}
	const wallMs = lastLimitedActivity - started;
	const numbers = batchNumbers(N, SERIES.limited);
	const measure = measureRun(
		await requestLog(stack.limited),
		await sandboxCalls(stack.limited),
		numbers,
		RATE,
		mode === 'shared',
	);
	const row = { route, mode, measure, execution, wallMs, otherSent, loadAtStart };
	printRunDetail(row);
	return row;
}

function printRunDetail({
	route,
	mode,
	measure,
	execution,
	wallMs,
	otherSent,
	loadAtStart,
}: Row): void {
	const other =
		mode === 'shared'
			? `; other client: ${otherSent} sent, ${measure.other.accepted} accepted, ${measure.other.rejected} got 429`
			: '';
	detail(
		`${route.id} ${mode}: execution ${execution.id} ${execution.status} after ${fixed(execution.executionMs / 1000, 2)} s` +
			` (node ${fixed(execution.nodeMs / 1000, 2)} s, ${execution.outputItems} output items); ${measure.placeRequests} POST /calls,` +
			` ${measure.rejected429} got 429; ${measure.placed}/${N} numbers called, ${measure.duplicates} duplicate calls${other}; ${measure.detail}; load average ${loadAtStart}`,
	);
	if (execution.error) detail(`${route.id} ${mode}: error: ${execution.error}`);
	log(
		`  done in ${formatDuration(wallMs)}: ${measure.placed}/${N} placed, ${measure.duplicates} duplicates, ${measure.rejected429} × 429, execution ${execution.status}.`,
	);
}

/** The HTTP Request node with the predefined credential type reaches the API with our key headers. */
async function checkCredentialInHttpRequest(stack: BenchStack): Promise<void> {
	await resetSandbox(stack.unlimited);
	const execution = await executeWorkflow(stack.n8n, CREDENTIAL_CHECK_ID, ROUTE_NODE_NAME, 60_000);
	const seen = (await requestLog(stack.unlimited)).filter(
		(entry) => entry.method === 'GET' && entry.path === '/account',
	);
	const authorised = seen.some(
		(entry) => entry.status === 200 && entry.headers['x-api-key'] === stack.unlimited.apiKey,
	);
	if (execution.status !== 'success' || !authorised) {
		throw new Error(
			`The HTTP Request node could not use the credential type agentiveVoiceApi (execution ${execution.status}` +
				`${execution.error ? `: ${execution.error}` : ''}; sandbox saw ${seen.map((entry) => entry.status).join(', ') || 'no request'}).`,
		);
	}
	detail(
		'HTTP Request with Authentication "Predefined Credential Type" › Agentive Voice API: GET /account answered 200 (x-api-key / x-api-secret headers from the credential)',
	);
}

async function unlimitedRun(stack: BenchStack, route: RouteId): Promise<ExecutionResult> {
	await resetSandbox(stack.unlimited);
	const execution = await executeWorkflow(
		stack.n8n,
		workflowId(route, 'unlimited'),
		ROUTE_NODE_NAME,
		RUN_TIMEOUT_MS,
	);
	const placed = new Set(
		(await sandboxCalls(stack.unlimited)).map((call) => numberKey(call.to_number)),
	).size;
	if (execution.status !== 'success' || placed !== N) {
		throw new Error(
			`Overhead run of ${route} did not place the batch: execution ${execution.status}, ${placed}/${N} placed. ${execution.error ?? ''}`,
		);
	}
	return execution;
}

/** One warm-up run per route, then interleaved rounds, so every route sees the same machine load. */
async function measureOverhead(stack: BenchStack): Promise<Overhead[]> {
	const results = overheadRoutes.map(
		(route): Overhead => ({ route, rounds: [], executionRounds: [] }),
	);
	if (results.length === 0) return results;
	log(
		`Overhead: ${overheadRoutes.join(', ')} against the unlimited sandbox, warm-up + ${OVERHEAD_ROUNDS} rounds of ${N} items…`,
	);
	for (const result of results) await unlimitedRun(stack, result.route);
	for (let round = 0; round < OVERHEAD_ROUNDS; round++) {
		for (const result of results) {
			const execution = await unlimitedRun(stack, result.route);
			result.rounds.push(execution.nodeMs / N);
			result.executionRounds.push(execution.executionMs / N);
		}
	}
	for (const result of results) {
		detail(
			`overhead ${result.route}: node time per item ${result.rounds.map((value) => fixed(value, 2)).join(', ')} ms` +
				` (best ${fixed(Math.min(...result.rounds), 2)}); whole execution per item ${result.executionRounds.map((value) => fixed(value, 2)).join(', ')} ms`,
		);
	}
	return results;
}

function table(rows: Row[], overhead: Overhead[]): string {
	const header = [
		'Route',
		'Mode',
		'Placed',
		'Duplicates',
		'429s',
		'Failed items',
		'% of ceiling',
		'Overhead (ms/item)',
		'n8n execution',
		'Execution time',
	];
	const lines = rows.map(({ route, mode, measure, execution }) => {
		const cost = overhead.find((entry) => entry.route === route.id);
		return [
			route.label,
			mode,
			`${measure.placed}/${N}`,
			String(measure.duplicates),
			String(measure.rejected429),
			String(measure.failed),
			measure.percent === undefined ? '—' : `${fixed(measure.percent)}%`,
			cost && cost.rounds.length > 0 ? fixed(Math.min(...cost.rounds), 2) : '—',
			execution.status === 'success' ? 'succeeded' : `failed (${execution.status})`,
			`${fixed(execution.executionMs / 1000, 1)} s`,
		];
	});
	return [header, header.map(() => '---'), ...lines]
		.map((cells) => `| ${cells.join(' | ')} |`)
		.join('\n');
}

async function main(): Promise<void> {
	process.on('SIGINT', () => onSignal('SIGINT'));
	process.on('SIGTERM', () => onSignal('SIGTERM'));
	const started = Date.now();
	const runtime = await ensureRuntime();
	state.pack = await buildAndPackPrivately({ skipBuild: args['skip-build'] });
	if (args.only === 'crash')
		return await runCrashBench({
			runtime,
			packed: state.pack,
			onStop: (stop) => (state.stop = stop),
		});
	if (args.only === 'busy')
		return await runBusyBench({
			runtime,
			packed: state.pack,
			rate: RATE,
			onStop: (stop) => (state.stop = stop),
		});
	if (args.only === 'retry-on-fail')
		return await runRetryOnFailBench({
			runtime,
			packed: state.pack,
			rate: RATE,
			onStop: (stop) => (state.stop = stop),
		});
	if (args.only !== undefined) {
		if (args.only !== 'retry')
			throw new Error(`Unknown --only=${args.only} (known: retry, retry-on-fail, busy, crash).`);
		return await runRetryBench({
			runtime,
			packed: state.pack,
			rate: RATE,
			onStop: (stop) => (state.stop = stop),
		});
	}
	const stack = await startBenchStack({
		runtime,
		packed: state.pack,
		rate: RATE,
		onStop: (stop) => {
			state.stop = stop;
		},
		workflows: (urls) => [
			credentialCheckWorkflow(urls.unlimited, UNLIMITED_CREDENTIAL),
			...routes.map((route) =>
				routeWorkflow({
					route,
					target: 'limited',
					url: urls.limited,
					credential: LIMITED_CREDENTIAL,
					count: N,
					series: SERIES.limited,
				}),
			),
			...routes
				.filter((route) => overheadRoutes.includes(route.id))
				.map((route) =>
					routeWorkflow({
						route,
						target: 'unlimited',
						url: urls.unlimited,
						credential: UNLIMITED_CREDENTIAL,
						count: N,
						series: SERIES.unlimited,
					}),
				),
		],
	});
	state.pack.remove();
	detail(
		`n8n side-by-side benchmark${args.quick ? ' (quick)' : ''}: n8n ${runtime.n8nVersion}, N = ${N} distinct numbers, rate limit ${RATE.limit} per ${RATE.windowMs / 1000} s,` +
			` other client ${OTHER_PER_SECOND} GET /account per s in shared mode; ${os.cpus().length} CPUs, load average ${load()}`,
	);
	await checkCredentialInHttpRequest(stack);

	const rows: Row[] = [];
	for (const route of routes)
		for (const mode of modes) rows.push(await limitedRun(stack, route, mode));
	const overhead = await measureOverhead(stack);

	process.stdout.write(`\n${table(rows, overhead)}\n\n`);
	detail(`total ${formatDuration(Date.now() - started)}; load average at the end ${load()}`);
	const resultsFile = path.join(WORK_DIR, 'logs', 'bench-n8n-results.json');
	fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
	fs.writeFileSync(
		resultsFile,
		JSON.stringify(
			{
				n: N,
				rate: RATE,
				otherPerSecond: OTHER_PER_SECOND,
				rows: rows.map(({ route, ...row }) => ({ route: route.id, ...row })),
				overhead,
			},
			null,
			2,
		),
	);
	log(`Results also in ${path.relative(process.cwd(), resultsFile)}`);
}

main().then(
	async () => {
		await cleanUp();
		process.exit(0);
	},
	async (error: Error) => {
		if (state.stopping) return;
		process.stderr.write(`bench:n8n failed: ${error.stack ?? error.message}\n`);
		await cleanUp();
		process.exit(1);
	},
);

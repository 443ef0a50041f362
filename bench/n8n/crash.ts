/**
 * `npm run bench:n8n -- --only=crash`: issue 18's scenario (e2e/crash/scenario.ts) at the API's real
 * rate (120 requests a minute) with N = 240 numbers, as the issue measured it: Webhook → Code →
 * Agentive Voice › Place Call, defaults; the process is killed by its pid once the first window's 120
 * calls are placed (the blast then waits for the next window), started again on the same user folder
 * (same database), and the execution retried as the editor's Executions › Retry does. One line per row:
 *
 *   crash (<variant>): <P>/<N> numbers called, <D> duplicate calls, <M> never called, retry execution <status>
 *
 *   SIGKILL                    row 1: n8n killed (out-of-memory kill, host reboot), started again, Retry
 *   SIGKILL, progress saved    row 2: the same with EXECUTIONS_DATA_SAVE_ON_PROGRESS=true
 *   SIGTERM                    row 3: n8n restarted (docker restart, a deploy), n8n's default
 *                              N8N_GRACEFUL_SHUTDOWN_TIMEOUT (30 s), started again, Retry
 *   queue, worker killed …     row 4: queue mode (main + 2 workers), the worker running the blast killed;
 *                              n8n's own Retry of that execution (a `#` line), then the user's way on:
 *                              the workflow run again with Options › skipCalledWithinMinutes on; the status
 *                              is that run's
 *
 * P = distinct numbers called over the original and the retry (or re-run), D = calls beyond one per
 * number, M = numbers never called; all from the sandbox. Lines starting with `#` give the details.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { N8n } from '../../e2e/lib/n8n';
import { installPackageIntoUserFolder } from '../../e2e/lib/package';
import { CREDENTIAL_TYPE, WORK_DIR } from '../../e2e/lib/paths';
import { formatDuration, log } from '../../e2e/lib/proc';
import { archiveQueueLogs, startQueueStack, type QueueStack } from '../../e2e/lib/queue-stack';
import type { Runtime } from '../../e2e/lib/runtime';
import { startSandbox, type SandboxHandle } from '../../e2e/lib/sandbox';
import {
	archiveLogs,
	assertPackageLoaded,
	DEFAULT_OWNER,
	SANDBOX_CREDENTIAL,
	tempUserFolder,
} from '../../e2e/lib/stack';
import {
	countCalls,
	crashLine,
	crashNumbers,
	crashWorkflow,
	crashWorkflowId,
	describeExecution,
	enableGuard,
	fireBlast,
	outputMarks,
	retryCrashed,
	runCrashRow,
	untilBatchCalls,
	untilStatus,
	type CallCount,
	type KillSignal,
} from '../../e2e/crash/scenario';
import type { PrivatePack } from './pack';
import { RetrySandbox } from './retry-scenario';

export interface CrashBenchOptions {
	runtime: Runtime;
	packed: PrivatePack;
	onStop(stop: () => Promise<void>): void;
}

const N = 240;
/** The Agentive Voice API's limit, as the issue measured with it. */
const RATE = { limit: 120, windowMs: 60_000 };
const KILL_AT = 120;
const GUARD_MINUTES = 60;
const PROGRESS_ENV = { EXECUTIONS_DATA_SAVE_ON_PROGRESS: 'true' };

interface Result {
	variant: string;
	count: CallCount;
	status: string;
	detail: Record<string, unknown>;
}

const line = (text: string) => process.stdout.write(`${text}\n`);

export async function runCrashBench(options: CrashBenchOptions): Promise<void> {
	const started = Date.now();
	const results: Result[] = [];
	line(
		`# n8n crash benchmark: n8n ${options.runtime.n8nVersion}; Webhook → Code (${N} numbers) → Agentive Voice Place Call, defaults;` +
			` sandbox rate limit ${RATE.limit} per ${RATE.windowMs / 1000} s; killed by pid after ${KILL_AT} calls; Executions › Retry via POST /rest/executions/:id/retry`,
	);
	try {
		results.push(...(await regularRows(options)));
		results.push(await workerRow(options));
	} finally {
		options.packed.remove();
	}
	line(`# total ${formatDuration(Date.now() - started)}`);
	const file = path.join(WORK_DIR, 'logs', 'bench-n8n-crash-results.json');
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(results, null, 2));
	log(`Results also in ${path.relative(process.cwd(), file)}`);
}

/** Rows 1–3 on one n8n (regular mode, SQLite) restarted on the same user folder after each kill. */
async function regularRows(options: CrashBenchOptions): Promise<Result[]> {
	const userFolder = tempUserFolder('bench-crash');
	const label = 'bench-crash';
	let sandbox: SandboxHandle | undefined;
	let n8n: N8n | undefined;
	const stop = async () => {
		await n8n?.stop().catch(() => undefined);
		await sandbox?.stop().catch(() => undefined);
		archiveLogs(userFolder, label);
		if (process.env.BENCH_KEEP === '1') log(`Kept ${userFolder}`);
		else fs.rmSync(userFolder, { recursive: true, force: true });
	};
	options.onStop(stop);
	const workflowId = crashWorkflowId('Bench');
	const results: Result[] = [];
	try {
		sandbox = await startSandbox({
			port: 0,
			seedCalls: 0,
			extraArgs: ['--rate-limit', String(RATE.limit), '--window-ms', String(RATE.windowMs)],
			logFile: path.join(userFolder, 'sandbox.log'),
		});
		n8n = new N8n({ runtime: options.runtime, userFolder, port: 0 });
		await installPackageIntoUserFolder(userFolder, options.packed);
		await n8n.importCredentials([
			{
				...SANDBOX_CREDENTIAL,
				type: CREDENTIAL_TYPE,
				data: {
					publishableKey: sandbox.apiKey,
					secretKey: sandbox.apiSecret,
					baseUrl: sandbox.url,
				},
			},
		]);
		await n8n.importWorkflows([crashWorkflow(workflowId, SANDBOX_CREDENTIAL)]);
		await n8n.publishWorkflowCli(workflowId);
		await n8n.start();
		await n8n.rest.ensureOwner(DEFAULT_OWNER);
		await assertPackageLoaded(n8n);
		const control = new RetrySandbox(sandbox.controlUrl ?? `${sandbox.origin}/__sandbox`);
		const rows: Array<{
			variant: string;
			series: number;
			signal: KillSignal;
			restartEnv?: Record<string, string>;
		}> = [
			{ variant: 'SIGKILL, Retry', series: 11, signal: 'SIGKILL' },
			// Row 3 before row 2: its retry runs on the n8n started with progress saving for row 2.
			{ variant: 'SIGTERM, Retry', series: 13, signal: 'SIGTERM', restartEnv: PROGRESS_ENV },
			{
				variant: 'SIGKILL, progress saved, Retry',
				series: 12,
				signal: 'SIGKILL',
				restartEnv: PROGRESS_ENV,
			},
		];
		for (const row of rows) {
			log(`crash (${row.variant})…`);
			const running = n8n;
			const result = await runCrashRow({
				n8n: running,
				login: async () => {
					await running.rest.ensureOwner(DEFAULT_OWNER);
				},
				sandbox: control,
				workflowId,
				numbers: crashNumbers(row.series, N),
				killAt: KILL_AT,
				signal: row.signal,
				restartEnv: row.restartEnv,
			});
			const status = result.retry.retry?.status ?? `not started (HTTP ${result.retry.httpStatus})`;
			line(crashLine(row.variant, result.count, status));
			line(
				`# ${row.variant}: ${result.callsAfterExit} calls when n8n exited (${result.killed.signal ?? `exit code ${result.killed.code}`} after ${formatDuration(result.killed.ms)});` +
					` n8n back after ${formatDuration(result.restartMs)}; original ${result.original.status}; retry ${result.retry.retry?.id ?? '-'} output ${JSON.stringify(outputMarks(result.retry.retry))}`,
			);
			results.push({
				variant: row.variant,
				count: result.count,
				status,
				detail: {
					callsAtExit: result.callsAfterExit,
					killed: result.killed,
					original: describeExecution(result.original),
					retry: result.retry.retry ? describeExecution(result.retry.retry) : result.retry.body,
				},
			});
		}
	} finally {
		await stop();
	}
	return results;
}

/** Row 4: queue mode, the worker running the blast killed; n8n's Retry, then the run again with the guard. */
async function workerRow(options: CrashBenchOptions): Promise<Result> {
	const label = 'bench-crash-queue';
	const userFolder = tempUserFolder(label);
	const workers = 2;
	const workflowId = crashWorkflowId('BenchQueue');
	let stopStack: (() => Promise<void>) | undefined;
	const stop = async () => {
		await stopStack?.().catch(() => undefined);
		archiveLogs(userFolder, label);
		archiveQueueLogs(userFolder, label, workers);
		if (process.env.BENCH_KEEP === '1') log(`Kept ${userFolder}`);
		else fs.rmSync(userFolder, { recursive: true, force: true });
	};
	options.onStop(stop);
	const variant = 'queue, worker killed, run again with skipCalledWithinMinutes';
	try {
		log(`crash (${variant})…`);
		const stack: QueueStack = await startQueueStack({
			runtime: options.runtime,
			packed: options.packed,
			userFolder,
			workers,
			concurrency: 1,
			n8nPort: 0,
			sandboxPort: 0,
			seedCalls: 0,
			sandboxArgs: ['--rate-limit', String(RATE.limit), '--window-ms', String(RATE.windowMs)],
			workflows: [crashWorkflow(workflowId, SANDBOX_CREDENTIAL)],
			onStop: (stopIt) => {
				stopStack = stopIt;
			},
		});
		const rest = stack.main.rest;
		const control = new RetrySandbox(`${stack.sandbox.origin}/__sandbox`);
		const numbers = crashNumbers(14, N);
		const executionId = await fireBlast(rest, stack.main.baseUrl, workflowId, numbers);
		await untilBatchCalls(control, numbers, KILL_AT);
		const worker = stack.workerOf(executionId);
		if (worker === undefined) throw new Error(`No worker logged execution ${executionId}.`);
		const killed = await stack.workers[worker - 1].kill('SIGKILL');
		const callsAtExit = countCalls(await control.calls(), numbers).calls;
		const killedAt = Date.now();
		const failed = await untilStatus(rest, executionId, [
			'error',
			'crashed',
			'success',
			'canceled',
		]);
		const settledMs = Date.now() - killedAt;
		const retried = await retryCrashed(rest, workflowId, executionId);
		const afterRetry = countCalls(await control.calls(), numbers);
		line(
			`# ${variant}: worker ${worker} killed (${killed.signal}) with ${callsAtExit} calls placed; ${formatDuration(settledMs)} later the execution was ${failed.status} (${failed.error ?? '-'});` +
				` n8n's Retry answered ${retried.httpStatus}, retry execution ${retried.retry?.status ?? '-'}, ${afterRetry.calls - callsAtExit} calls placed by it`,
		);
		await enableGuard(rest, workflowId, GUARD_MINUTES);
		const rerunId = await fireBlast(rest, stack.main.baseUrl, workflowId, numbers);
		const rerun = await untilStatus(rest, rerunId, ['success', 'error', 'crashed'], 900_000);
		const count = countCalls(await control.calls(), numbers);
		line(crashLine(variant, count, rerun.status));
		line(
			`# ${variant}: re-run ${rerunId} (mode ${rerun.mode}) on worker ${stack.workerOf(rerunId) ?? '-'}, output ${JSON.stringify(outputMarks(rerun))}`,
		);
		return {
			variant,
			count,
			status: rerun.status,
			detail: {
				callsAtExit,
				failed: describeExecution(failed),
				settledMs,
				retry: retried.retry ? describeExecution(retried.retry) : retried.body,
				callsByRetry: afterRetry.calls - callsAtExit,
				rerun: describeExecution(rerun),
			},
		};
	} finally {
		await stop();
	}
}

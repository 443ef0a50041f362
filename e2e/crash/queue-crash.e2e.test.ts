/**
 * Issue 18, row 4, in n8n 2.41.1's queue mode (e2e/lib/queue-stack.ts: Redis, PostgreSQL, one main and
 * two `n8n worker --concurrency=1`): the worker running a blast is killed (SIGKILL, by the pid this test
 * started) once about half of the numbers were called.
 *
 * What n8n does then, as measured here: Bull finds the job stalled (n8n 2.x allows 0 stalls), the main
 * marks the execution `error` ("job stalled more than maxStalledCount") and saves it with empty run data
 * and an empty execution stack; n8n accepts Executions › Retry, but the retry runs no node (it calls no
 * one) and ends in `error`. The user's way on is to run the workflow again: with the node's re-run guard
 * on (Options › skipCalledWithinMinutes), only the numbers not yet called are dialled, and the numbers
 * called before the kill output the earlier call, marked `skippedRecentCall`.
 */
import * as fs from 'node:fs';
import { packedFromEnv } from '../lib/harness';
import type { N8nRest } from '../lib/n8n-rest';
import { log } from '../lib/proc';
import { archiveQueueLogs, startQueueStack, type QueueStack } from '../lib/queue-stack';
import { ensureRuntime } from '../lib/runtime';
import { archiveLogs, SANDBOX_CREDENTIAL, tempUserFolder } from '../lib/stack';
import { lastRunItems, RetrySandbox } from '../../bench/n8n/retry-scenario';
import {
	countCalls,
	crashLine,
	crashNumbers,
	crashWorkflow,
	crashWorkflowId,
	CRASH_NODE_NAME,
	describeExecution,
	enableGuard,
	fireBlast,
	MARKERS,
	outputMarks,
	retryCrashed,
	untilBatchCalls,
	untilStatus,
	type ExecutionState,
} from './scenario';

const LABEL = 'crash-queue';
const WORKERS = 2;
const N = 60;
const RATE = { limit: 32, windowMs: 20_000 };
const GUARD_MINUTES = 60;
const WORKFLOW_ID = crashWorkflowId('Queue');

describe('queue mode: the worker running a blast is killed', () => {
	const userFolder = tempUserFolder(LABEL);
	let stack: QueueStack;
	let stopStack: (() => Promise<void>) | undefined;
	let sandbox: RetrySandbox;
	const rest = (): N8nRest => stack.main.rest;
	const numbers = crashNumbers(4, N);
	const started = Date.now();
	let executionId: string;
	let callsAtExit: number;
	let failed: ExecutionState;

	beforeAll(async () => {
		const runtime = await ensureRuntime();
		log(`e2e ${LABEL}: user folder ${userFolder}`);
		stack = await startQueueStack({
			runtime,
			packed: packedFromEnv(),
			userFolder,
			workers: WORKERS,
			concurrency: 1,
			n8nPort: 0,
			sandboxPort: 0,
			seedCalls: 0,
			sandboxArgs: ['--rate-limit', String(RATE.limit), '--window-ms', String(RATE.windowMs)],
			workflows: [crashWorkflow(WORKFLOW_ID, SANDBOX_CREDENTIAL)],
			onStop: (stop) => {
				stopStack = stop;
			},
		});
		sandbox = new RetrySandbox(`${stack.sandbox.origin}/__sandbox`);
	}, 20 * 60_000);

	afterAll(async () => {
		if (stopStack) await stopStack();
		archiveLogs(userFolder, LABEL);
		archiveQueueLogs(userFolder, LABEL, WORKERS);
		if (process.env.E2E_KEEP !== '1') fs.rmSync(userFolder, { recursive: true, force: true });
		log(`e2e ${LABEL}: suite took ${Math.round((Date.now() - started) / 1000)} s`);
	});

	it('the worker is killed mid-blast: n8n marks the execution error, with no run data left to retry from', async () => {
		await sandbox.reset();
		executionId = await fireBlast(rest(), stack.main.baseUrl, WORKFLOW_ID, numbers);
		const calls = await untilBatchCalls(sandbox, numbers, RATE.limit);
		const worker = stack.workerOf(executionId);
		expect(worker).toBeDefined();
		const victim = stack.workers[(worker as number) - 1];
		log(`e2e ${LABEL}: ${calls} calls; SIGKILL to worker ${worker} (pid ${victim.pid})`);
		const killed = await victim.kill('SIGKILL');
		expect(killed.signal).toBe('SIGKILL');
		callsAtExit = countCalls(await sandbox.calls(), numbers).calls;
		expect(callsAtExit).toBeGreaterThanOrEqual(RATE.limit);
		expect(callsAtExit).toBeLessThan(N);

		const waited = Date.now();
		failed = await untilStatus(rest(), executionId, ['error', 'crashed', 'success', 'canceled']);
		log(
			`e2e ${LABEL}: ${Math.round((Date.now() - waited) / 1000)} s after the kill: ${describeExecution(failed)}`,
		);
		expect(failed.status).toBe('error');
		// MaxStalledCountError (n8n/dist/errors/max-stalled-count.error.js).
		expect(failed.error).toMatch(/failed to be processed too many times/);
		// The main replaced the saved data: nothing of the blast (or of any node) is left.
		expect(failed.nodes).toEqual({});
		expect(failed.nodeExecutionStack).toBe(0);
		// The job was not handed to the other worker.
		expect(stack.workersOf(executionId)).toEqual([worker]);
		expect(countCalls(await sandbox.calls(), numbers).calls).toBe(callsAtExit);
	});

	it('n8n accepts Executions › Retry of it, but the retry runs no node, calls no one and ends in error', async () => {
		const retried = await retryCrashed(rest(), WORKFLOW_ID, executionId);
		log(
			`e2e ${LABEL}: retry answered ${retried.httpStatus}; ${retried.retry ? describeExecution(retried.retry) : JSON.stringify(retried.body)}`,
		);
		expect(retried.httpStatus).toBe(200);
		expect(retried.retry?.status).toBe('error');
		expect(retried.retry?.nodes).toEqual({});
		expect(countCalls(await sandbox.calls(), numbers).calls).toBe(callsAtExit);
	});

	it('the user runs the workflow again with the re-run guard on: only the numbers not yet called are dialled', async () => {
		await enableGuard(rest(), WORKFLOW_ID, GUARD_MINUTES);
		const id = await fireBlast(rest(), stack.main.baseUrl, WORKFLOW_ID, numbers);
		const rerun = await untilStatus(rest(), id, ['success', 'error', 'crashed'], 300_000);
		const count = countCalls(await sandbox.calls(), numbers);
		const marks = outputMarks(rerun);
		log(
			`e2e ${LABEL}: ${crashLine('worker killed, run again with the guard', count, rerun.status)}`,
		);
		log(`e2e ${LABEL}:   re-run ${id} output ${JSON.stringify(marks)}`);
		expect({
			called: count.called,
			duplicates: count.duplicates,
			never: count.never,
			rerun: rerun.status,
		}).toEqual({ called: N, duplicates: 0, never: 0, rerun: 'success' });
		const items = lastRunItems(rerun.runData ?? { resultData: { runData: {} } }, CRASH_NODE_NAME);
		expect(items).toHaveLength(N);
		expect(marks.skippedRecentCall).toBe(callsAtExit);
		expect(items.filter((item) => item[MARKERS.placedBeforeRetry] === true)).toEqual([]);
	});
});

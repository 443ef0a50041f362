/**
 * Issue 18, rows 1–3, in a real n8n 2.41.1 (regular mode, SQLite): n8n dies in the middle of a blast
 * and the crashed execution is retried. Webhook → Code (60 numbers) → Agentive Voice › Place Call,
 * defaults (Reference IDs generated). The sandbox allows 32 requests per 20 s window, so the blast
 * places 32 calls and then waits for the next window; n8n is killed by the pid this test started while
 * it waits, started again on the same user folder, and the execution is retried with
 * `POST /rest/executions/:id/retry` as the editor does.
 *
 *   row 1  SIGKILL (an out-of-memory kill, a host reboot)
 *   row 3  SIGTERM (`docker restart`, a deploy) with N8N_GRACEFUL_SHUTDOWN_TIMEOUT=5 (n8n's default is
 *          30 s; shorter, so that the blast is still waiting for its window when n8n exits, as a 1,000-number
 *          blast at 120 a minute is)
 *   row 2  SIGKILL with EXECUTIONS_DATA_SAVE_ON_PROGRESS=true
 *
 * Row 3 runs before row 2 so that only one restart changes the environment: row 3's retry runs on the
 * n8n started for row 2 (progress saving on; it does not change what the crashed original saved).
 * Every row: each number called exactly once over the original and the retry (P = N, D = 0, M = 0), the
 * retry succeeds, and the calls placed before the crash are output marked, not dialled. Then the edge:
 * a new execution (not a retry) with the same data calls everyone again.
 *
 * E2E_CRASH_N8N=n8n-1.123.81 (or n8n-1.88.0) runs the same suite on that runtime of `npm run test:compat`
 * (e2e/lib/runtime.ts COMPAT_RUNTIMES) instead of the pinned n8n 2.41.1.
 */
import { bootSuiteStack, stopSuiteStack } from '../lib/harness';
import { log } from '../lib/proc';
import { COMPAT_RUNTIMES } from '../lib/runtime';
import { SANDBOX_CREDENTIAL, type Stack } from '../lib/stack';
import { lastRunItems, RetrySandbox } from '../../bench/n8n/retry-scenario';
import {
	countCalls,
	crashLine,
	crashNumbers,
	crashWorkflow,
	crashWorkflowId,
	CRASH_NODE_NAME,
	fireBlast,
	MARKERS,
	outputMarks,
	perNumber,
	runCrashRow,
	untilStatus,
	type CrashRow,
	type KillSignal,
} from './scenario';
import { numberKey } from '../../bench/n8n/metrics';

const OTHER_N8N = process.env.E2E_CRASH_N8N;
const RUNTIME = OTHER_N8N ? COMPAT_RUNTIMES[OTHER_N8N] : undefined;
if (OTHER_N8N && !RUNTIME)
	throw new Error(
		`E2E_CRASH_N8N=${OTHER_N8N}: not one of ${Object.keys(COMPAT_RUNTIMES).join(', ')}.`,
	);
const LABEL = OTHER_N8N ? `crash-${OTHER_N8N}` : 'crash';
const N = 60;
const RATE = { limit: 32, windowMs: 20_000 };
const GRACE_S = 5;
const WORKFLOW_ID = crashWorkflowId('Regular');
const PROGRESS_ENV = { EXECUTIONS_DATA_SAVE_ON_PROGRESS: 'true' };

describe('a crashed blast, retried, dials no one twice (regular mode)', () => {
	let stack: Stack;
	let sandbox: RetrySandbox;
	const started = Date.now();

	beforeAll(async () => {
		stack = await bootSuiteStack(LABEL, {
			workflows: [crashWorkflow(WORKFLOW_ID, SANDBOX_CREDENTIAL)],
			seedCalls: 0,
			sandboxArgs: ['--rate-limit', String(RATE.limit), '--window-ms', String(RATE.windowMs)],
			n8nEnv: { N8N_GRACEFUL_SHUTDOWN_TIMEOUT: String(GRACE_S) },
			runtime: RUNTIME,
		});
		sandbox = new RetrySandbox(`${stack.sandbox.origin}/__sandbox`);
	}, 600_000);

	afterAll(async () => {
		await stopSuiteStack(stack, LABEL);
		log(`e2e ${LABEL}: suite took ${Math.round((Date.now() - started) / 1000)} s`);
	});

	async function row(
		name: string,
		series: number,
		signal: KillSignal,
		restartEnv?: Record<string, string>,
	): Promise<CrashRow & { numbers: string[] }> {
		const numbers = crashNumbers(series, N);
		const result = await runCrashRow({
			n8n: stack.n8n,
			login: async () => {
				await stack.n8n.rest.ensureOwner(stack.owner);
			},
			sandbox,
			workflowId: WORKFLOW_ID,
			numbers,
			killAt: RATE.limit,
			signal,
			restartEnv,
		});
		log(`e2e ${LABEL}: ${crashLine(name, result.count, result.retry.retry?.status ?? 'none')}`);
		log(
			`e2e ${LABEL}:   ${result.callsAfterExit} calls before n8n exited (${signal}, ${(result.killed.ms / 1000).toFixed(1)} s); restart ${(result.restartMs / 1000).toFixed(1)} s; retry output ${JSON.stringify(outputMarks(result.retry.retry))}`,
		);
		return { ...result, numbers };
	}

	/** What every row must show. */
	function expectOnceEach(result: CrashRow & { numbers: string[] }): void {
		// The scenario: the blast was cut off part-way (about half of the numbers called).
		expect(result.callsAfterExit).toBeGreaterThanOrEqual(RATE.limit);
		expect(result.callsAfterExit).toBeLessThan(N);
		expect(result.original.status).toBe('crashed');
		expect(result.retry.httpStatus).toBe(200);
		expect(result.retry.retry?.mode).toBe('retry');
		expect(result.retry.retry?.retryOf).toBe(result.executionId);
		// The promise.
		expect({
			called: result.count.called,
			duplicates: result.count.duplicates,
			never: result.count.never,
			retry: result.retry.retry?.status,
		}).toEqual({ called: N, duplicates: 0, never: 0, retry: 'success' });
		// One output item per number, in order, each with its own number's call; the calls the original
		// placed are output marked, not dialled.
		const items = lastRunItems(result.retry.retry?.runData ?? { resultData: { runData: {} } });
		expect(items).toHaveLength(N);
		const marks = outputMarks(result.retry.retry);
		expect(marks.placedBeforeRetry).toBe(result.callsAfterExit);
		expect(marks.placedBy).toEqual({ crashedExecution: result.callsAfterExit });
	}

	async function expectOwnCalls(result: CrashRow & { numbers: string[] }): Promise<void> {
		const byNumber = perNumber(await sandbox.calls(), result.numbers);
		const items = lastRunItems(result.retry.retry?.runData ?? { resultData: { runData: {} } });
		result.numbers.forEach((number, index) => {
			const list = byNumber.get(numberKey(number)) ?? [];
			expect(list).toHaveLength(1);
			expect(items[index]?.unique_id).toBe(list[0].unique_id);
		});
	}

	it('row 1: n8n killed (SIGKILL) mid-blast, started again, Executions › Retry', async () => {
		const result = await row('SIGKILL, Retry', 1, 'SIGKILL');
		expect(result.killed.signal).toBe('SIGKILL');
		expectOnceEach(result);
		await expectOwnCalls(result);
	});

	it(`row 3: n8n restarted (SIGTERM, N8N_GRACEFUL_SHUTDOWN_TIMEOUT=${GRACE_S}) while the blast waits for its rate-limit window, Retry`, async () => {
		const result = await row('SIGTERM, Retry', 3, 'SIGTERM', PROGRESS_ENV);
		// n8n waited for the execution (its graceful shutdown), then gave up and exited by itself.
		expect(result.killed).toMatchObject({ signal: null, code: 1 });
		expect(result.killed.ms).toBeGreaterThanOrEqual(GRACE_S * 1000 - 500);
		expectOnceEach(result);
		await expectOwnCalls(result);
	});

	it('row 2: n8n killed (SIGKILL) with EXECUTIONS_DATA_SAVE_ON_PROGRESS=true, Retry', async () => {
		const result = await row('SIGKILL, progress saved, Retry', 2, 'SIGKILL', PROGRESS_ENV);
		expect(result.killed.signal).toBe('SIGKILL');
		// With progress saving the upstream nodes' runs are saved as they ran (real ms start times).
		expect(result.original.nodes.Numbers?.[0]?.startTime).toBeGreaterThan(1e12);
		expectOnceEach(result);
		await expectOwnCalls(result);
	});

	it('a new execution (not a retry) of the same workflow with the same data calls everyone again', async () => {
		// Row 2's numbers, all called within the last minutes.
		const numbers = crashNumbers(2, N);
		const before = await sandbox.calls();
		expect(countCalls(before, numbers).called).toBe(N);
		const earlier = new Set(before.map((call) => call.unique_id));
		const id = await fireBlast(stack.n8n.rest, stack.n8n.baseUrl, WORKFLOW_ID, numbers);
		const fresh = await untilStatus(stack.n8n.rest, id, ['success', 'error', 'crashed'], 300_000);
		const added = (await sandbox.calls()).filter((call) => !earlier.has(call.unique_id));
		const count = countCalls(added, numbers);
		log(`e2e ${LABEL}: new execution ${id} ${fresh.status}; new calls ${JSON.stringify(count)}`);
		expect(fresh.mode).toBe('webhook');
		expect({ status: fresh.status, called: count.called, duplicates: count.duplicates }).toEqual({
			status: 'success',
			called: N,
			duplicates: 0,
		});
		const items = lastRunItems(fresh.runData ?? { resultData: { runData: {} } }, CRASH_NODE_NAME);
		expect(items).toHaveLength(N);
		expect(
			items.filter(
				(item) =>
					item[MARKERS.placedBeforeRetry] === true || item[MARKERS.skippedRecentCall] === true,
			),
		).toEqual([]);
		const addedIds = new Set(added.map((call) => call.unique_id));
		expect(items.filter((item) => !addedIds.has(String(item.unique_id)))).toEqual([]);
	});
});

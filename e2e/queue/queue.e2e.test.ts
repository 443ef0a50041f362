/**
 * Our package in n8n's queue mode (e2e/lib/queue-stack.ts): Redis, PostgreSQL, one main and two
 * `n8n worker --concurrency=1` processes sharing one user folder, with the package in its nodes folder.
 *
 * - two executions at once run on the two workers, and Download Recording works there with n8n's
 *   queue-mode default binary-data mode (database); the main serves the stored file back;
 * - the voice OTP example through its real form URLs on the main: every execution (and every resume
 *   after a form page) runs on a worker, as the workers' logs show;
 * - the trigger: its poller runs on the main (the leader), the executions it starts run on workers, and
 *   every finished call is emitted exactly once, also when the main is restarted between two polls;
 * - finally every n8n process restarts with N8N_DEFAULT_BINARY_DATA_MODE=filesystem and Download
 *   Recording works on a worker in that mode too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FormClient } from '../lib/forms';
import { packedFromEnv } from '../lib/harness';
import type { WorkflowImport } from '../lib/n8n';
import {
	decodeExecutionData,
	nodeOutput,
	type ExecutionDetail,
	type N8nRest,
	type RunData,
} from '../lib/n8n-rest';
import { CREDENTIAL_TYPE, NODE_TYPES } from '../lib/paths';
import { log, sleep } from '../lib/proc';
import { archiveQueueLogs, startQueueStack, type QueueStack } from '../lib/queue-stack';
import { ensureRuntime } from '../lib/runtime';
import { SandboxControl } from '../lib/sandbox-control';
import {
	archiveLogs,
	loadExampleWorkflows,
	SANDBOX_CREDENTIAL,
	tempUserFolder,
} from '../lib/stack';

const LABEL = 'queue';
const WORKERS = 2;
const OTP_ID = 'avExVoiceOtpForm';
const FORM_PATH = 'agentive-voice-signup';
const TRIGGER_ID = 'queueTriggerTest';
const DOWNLOAD_ID = 'queueDownloadRec';
const CREDENTIALS = {
	[CREDENTIAL_TYPE]: { id: SANDBOX_CREDENTIAL.id, name: SANDBOX_CREDENTIAL.name },
};

/** Manual Trigger → Wait 2 s (keeps the worker busy, so a second execution goes to the other) → Download Recording. */
function downloadWorkflow(uniqueId: string): WorkflowImport {
	return {
		id: DOWNLOAD_ID,
		name: 'queue e2e: Download Recording',
		nodes: [
			{
				id: 'q-run',
				name: 'Run',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'q-wait',
				name: 'Wait',
				type: 'n8n-nodes-base.wait',
				typeVersion: 1.1,
				position: [220, 0],
				parameters: { amount: 2, unit: 'seconds' },
			},
			{
				id: 'q-download',
				name: 'Download Recording',
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [440, 0],
				parameters: { resource: 'call', operation: 'downloadRecording', uniqueId },
				credentials: CREDENTIALS,
			},
		],
		connections: {
			Run: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] },
			Wait: { main: [[{ node: 'Download Recording', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Finished calls (completed, failed), polled every minute → No Operation. */
const triggerWorkflow: WorkflowImport = {
	id: TRIGGER_ID,
	name: 'queue e2e: finished calls',
	nodes: [
		{
			id: 'q-trigger',
			name: 'Finished calls',
			type: NODE_TYPES.trigger,
			typeVersion: 1,
			position: [0, 0],
			parameters: {
				pollTimes: { item: [{ mode: 'everyMinute' }] },
				events: ['completed', 'failed'],
				filters: {},
				options: {},
			},
			credentials: CREDENTIALS,
		},
		{
			id: 'q-noop',
			name: 'Done',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [220, 0],
			parameters: {},
		},
	],
	connections: { 'Finished calls': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

describe('queue mode: main + 2 workers, Redis, PostgreSQL', () => {
	const userFolder = tempUserFolder(LABEL);
	let stack: QueueStack;
	/** Stops whatever started, also when beforeAll failed half-way. */
	let stopStack: (() => Promise<void>) | undefined;
	let sandbox: SandboxControl;
	let recordedCall: string;
	const rest = (): N8nRest => stack.main.rest;

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
			seedCalls: 5,
			workflows: [
				...loadExampleWorkflows().filter((workflow) => workflow.id === OTP_ID),
				triggerWorkflow,
			],
			onStop: (stop) => {
				stopStack = stop;
			},
		});
		sandbox = new SandboxControl(stack.sandbox);
		const seeded = await fetch(`${stack.sandbox.origin}/__sandbox/calls/seed`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ calls: [{ status: 'completed', duration_sec: 4 }] }),
		});
		recordedCall = ((await seeded.json()) as { data: Array<{ unique_id: string }> }).data[0]
			.unique_id;
		await stack.main.importWorkflows([downloadWorkflow(recordedCall)]);
		// Booting five n8n processes (CLI imports, main, two workers) takes minutes on a busy 2-core machine.
	}, 20 * 60_000);

	afterAll(async () => {
		if (stopStack) await stopStack();
		archiveLogs(userFolder, LABEL);
		archiveQueueLogs(userFolder, LABEL, WORKERS);
		if (process.env.E2E_KEEP !== '1') fs.rmSync(userFolder, { recursive: true, force: true });
	});

	/** The recording as the API serves it, fetched directly. */
	async function recordingBytes(): Promise<Buffer> {
		const response = await fetch(`${stack.sandbox.url}/calls/${recordedCall}/recording`, {
			headers: { 'x-api-key': stack.sandbox.apiKey, 'x-api-secret': stack.sandbox.apiSecret },
		});
		expect(response.status).toBe(200);
		return Buffer.from(await response.arrayBuffer());
	}

	/** Starts the download workflow `count` times at once; resolves with the finished executions. */
	async function runDownloads(count: number): Promise<ExecutionDetail[]> {
		const ids = await Promise.all(
			Array.from({ length: count }, async () => {
				const started = await rest().request<{ executionId: string }>(
					'POST',
					`/rest/workflows/${DOWNLOAD_ID}/run`,
					{ triggerToStartFrom: { name: 'Run' } },
				);
				return started.executionId;
			}),
		);
		return await Promise.all(ids.map((id) => rest().waitForExecution(id, 120_000)));
	}

	/** Download Recording's output on a worker, and the file as the main serves it from the binary-data store. */
	async function expectDownloadedOnWorker(
		execution: ExecutionDetail,
		idPrefix: string,
		expected: Buffer,
	): Promise<void> {
		const runData = decodeExecutionData(execution);
		expect({ status: execution.status, error: runData.resultData.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		expect(stack.workerOf(execution.id)).toBeDefined();
		const [item] = nodeOutput(runData, 'Download Recording');
		expect(item).toMatchObject({
			unique_id: recordedCall,
			mime_type: 'audio/wav',
			size_bytes: expected.length,
			partial: false,
		});
		const task = runData.resultData.runData['Download Recording'][0] as unknown as {
			data: {
				main: Array<
					Array<{
						binary?: Record<
							string,
							{ id?: string; fileSize?: string; fileName?: string; mimeType?: string }
						>;
					}>
				>;
			};
		};
		const binary = task.data.main[0][0].binary?.data;
		expect(binary?.mimeType).toBe('audio/wav');
		expect(binary?.fileName).toBe(`${recordedCall}.wav`);
		expect(binary?.id?.startsWith(idPrefix)).toBe(true);
		const served = await rest().rawBinary('/rest/binary-data', {
			id: binary?.id,
			action: 'download',
		});
		expect(served.status).toBe(200);
		expect(served.data.equals(expected)).toBe(true);
	}

	it('two executions at once run on the two workers; Download Recording stores the recording in the database (queue-mode default)', async () => {
		const expected = await recordingBytes();
		const executions = await runDownloads(2);
		const workers = executions.map((execution) => stack.workerOf(execution.id));
		log(
			`e2e ${LABEL}: download executions ${executions.map((e, i) => `${e.id} on worker ${workers[i]}`).join(', ')}`,
		);
		expect([...workers].sort()).toEqual([1, 2]);
		for (const execution of executions) {
			expect(stack.main.readLog()).toContain(`Enqueued execution ${execution.id} (`);
			await expectDownloadedOnWorker(execution, 'database', expected);
		}
	});

	describe('voice OTP example through its form URLs', () => {
		const forms = () => new FormClient(stack.main.baseUrl);

		it('right code: the success page; the execution and each resume run on workers, none on the main', async () => {
			const started = await forms().submitTrigger(FORM_PATH, ['9812345678']);
			expect(started.status).toBe(200);
			const url = started.formWaitingUrl as string;
			const executionId = started.executionId as string;
			expect(url).toMatch(/\/form-waiting\/\d+\?signature=/);
			expect(await forms().waitForNextPage(url)).toBe('form-waiting');
			const codePage = await forms().getPage(url);
			expect(codePage.title).toBe('Enter your code');

			const waiting = decodeExecutionData(await rest().getExecution(executionId));
			const [sent] = nodeOutput(waiting, 'Send Code');
			expect(sent).toMatchObject({ status: 'success', request_id: expect.any(String) });
			const { code } = await sandbox.otp(sent.request_id as string);

			expect((await forms().submitPage(url, [code])).status).toBe(200);
			expect(await forms().waitForNextPage(url)).toBe('form-waiting');
			const done = await forms().getPage(url);
			expect({ completion: done.completion, title: done.title }).toEqual({
				completion: true,
				title: 'You are verified',
			});
			await forms().acknowledgeCompletion(url);
			const finished = await rest().waitForExecution(executionId, 60_000);
			expect(finished.status).toBe('success');
			const runData: RunData = decodeExecutionData(finished);
			expect(nodeOutput(runData, 'Verify Code')).toEqual([
				expect.objectContaining({ verified: true }),
			]);

			// Started on a worker and resumed on a worker after each form page (code page, completion page).
			const workers = stack.workersOf(executionId);
			log(`e2e ${LABEL}: OTP execution ${executionId} ran on worker(s) ${workers.join(', ')}`);
			expect(workers.length).toBeGreaterThanOrEqual(1);
			const starts = stack.workers.reduce(
				(sum, worker) =>
					sum + worker.readLog().split(`Worker started execution ${executionId} (`).length - 1,
				0,
			);
			expect(starts).toBeGreaterThanOrEqual(3);
			expect(stack.main.readLog()).toContain(`Enqueued execution ${executionId} (`);
			expect(stack.main.readLog()).not.toContain(`Worker started execution ${executionId} (`);
		});
	});

	async function placeFinishing(numbers: string[], tag: string): Promise<string[]> {
		const ids: string[] = [];
		for (const number of numbers)
			ids.push(
				(
					await sandbox.placeCall({
						type: 'audio_blast',
						number,
						audio_id: 12,
						reference_id: `${tag}-${number}`,
					})
				).unique_id,
			);
		await sandbox.advanceClock(60_000);
		return ids;
	}

	it('the trigger polls on the main, its executions run on workers, and each finished call is emitted once across a restart of the main', async () => {
		await sandbox.advanceClock(15 * 60_000);
		await sandbox.clearLog();
		await rest().activateWorkflow(TRIGGER_ID);
		await sandbox.untilPollDone(0, 60_000);

		// Between the baseline and the next poll: …01 completed, …03 busy (failed), …05 failed.
		const first = await placeFinishing(
			['9000000001', '9000000003', '9000000005'],
			'before-restart',
		);
		await rest().waitForExecutions(TRIGGER_ID, 1, 140_000);

		// The main goes down; calls finish while it is down; it comes back and its pollers start again.
		let second: string[] = [];
		await stack.restartMain(async () => {
			second = await placeFinishing(['9000000001', '9000000003'], 'while-down');
		});
		await rest().waitForExecutions(TRIGGER_ID, 2, 140_000);
		// One more regular poll after the restart must not repeat anything.
		await sandbox.untilPollDone((await sandbox.log()).length, 80_000);
		await sleep(3000);
		await rest().deactivateWorkflow(TRIGGER_ID);

		const executions = await rest().listExecutions({ workflowId: TRIGGER_ID });
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
		const emitted: string[] = [];
		for (const summary of executions) {
			const execution = await rest().getExecution(summary.id);
			emitted.push(
				...nodeOutput(decodeExecutionData(execution), 'Finished calls').map(
					(call) => call.unique_id as string,
				),
			);
			expect({ id: summary.id, onWorker: stack.workerOf(summary.id) !== undefined }).toEqual({
				id: summary.id,
				onWorker: true,
			});
		}
		log(
			`e2e ${LABEL}: trigger executions ${executions.map((e) => `${e.id} on worker ${stack.workerOf(e.id)}`).join(', ')}`,
		);
		const expected = [...first, ...second];
		expect(emitted.filter((id) => expected.includes(id)).sort()).toEqual([...expected].sort());
		expect(new Set(emitted).size).toBe(emitted.length);
	});

	it('after a restart of every process with N8N_DEFAULT_BINARY_DATA_MODE=filesystem, Download Recording works on a worker', async () => {
		await stack.restartAll({ N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' });
		const expected = await recordingBytes();
		const [execution] = await runDownloads(1);
		await expectDownloadedOnWorker(execution, 'filesystem', expected);
		// The file is in the shared user folder's binary-data storage, where the main read it from.
		const storage = path.join(userFolder, '.n8n', 'storage');
		expect(fs.existsSync(storage)).toBe(true);
	});
});

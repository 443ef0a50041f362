/**
 * The `memory` scenario of `npm run bench`: peak resident memory growth of the n8n process that runs
 * Download Recording while it fetches a large recording (the sandbox's --recording-mb, a WAV generated
 * as it is sent), once per binary-data mode:
 *
 *   filesystem   regular mode (`n8n start`, sqlite): the main runs the execution; n8n's default there
 *   database     queue mode (Redis, PostgreSQL, one worker): the worker runs it; n8n's queue-mode default
 *
 * The figure is VmHWM after the run minus VmRSS before it, read from /proc/<pid>/status of that process,
 * with the high-water mark reset just before the run (`echo 5 > /proc/<pid>/clear_refs`). The n8n
 * process is the one running the execution (the internal task runner is a separate process and plays
 * no part in Download Recording). A script, not a test: it asserts nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { N8n, WorkflowImport } from '../../e2e/lib/n8n';
import type { N8nRest } from '../../e2e/lib/n8n-rest';
import { decodeExecutionData, nodeOutput } from '../../e2e/lib/n8n-rest';
import { buildAndPack, type PackedPackage } from '../../e2e/lib/package';
import { CREDENTIAL_TYPE, NODE_TYPES, REPO_ROOT } from '../../e2e/lib/paths';
import { log, sleep } from '../../e2e/lib/proc';
import { archiveQueueLogs, startQueueStack } from '../../e2e/lib/queue-stack';
import { ensureRuntime, type Runtime } from '../../e2e/lib/runtime';
import type { SandboxHandle } from '../../e2e/lib/sandbox';
import { archiveLogs, SANDBOX_CREDENTIAL, startStack, tempUserFolder } from '../../e2e/lib/stack';

export interface MemoryResult {
	mode: string;
	growthMb: number;
	detail: string;
}

const WORKFLOW_ID = 'benchMemDownload';
const NODE_NAME = 'Download Recording';
const MB = 1024 * 1024;

/** Manual Trigger → Agentive Voice › Call › Download Recording of one call. */
export function downloadWorkflow(uniqueId: string, id = WORKFLOW_ID): WorkflowImport {
	return {
		id,
		name: 'bench: Download Recording of a large recording',
		nodes: [
			{
				id: `${id}-trigger`,
				name: 'Run',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-download`,
				name: NODE_NAME,
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'call', operation: 'downloadRecording', uniqueId },
				credentials: {
					[CREDENTIAL_TYPE]: { id: SANDBOX_CREDENTIAL.id, name: SANDBOX_CREDENTIAL.name },
				},
			},
		],
		connections: { Run: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** A completed, answered call with a recording, seeded through the sandbox's control route. */
export async function seedRecordedCall(sandbox: SandboxHandle): Promise<string> {
	const response = await fetch(
		`${sandbox.controlUrl ?? `${sandbox.origin}/__sandbox`}/calls/seed`,
		{
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ calls: [{ status: 'completed', duration_sec: 60 }] }),
		},
	);
	const body = (await response.json()) as { data: Array<{ unique_id: string }> };
	if (!response.ok || !body.data?.[0]?.unique_id)
		throw new Error(`Could not seed a recorded call: ${JSON.stringify(body)}`);
	return body.data[0].unique_id;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
		fs.readFileSync(`/proc/${pid}/status`, 'utf8'),
	);
	if (!match) throw new Error(`No ${field} in /proc/${pid}/status`);
	return Number(match[1]);
}

/** Run the workflow (REST "Execute workflow") and wait through the light execution list. */
async function runOnce(rest: N8nRest, workflowId: string): Promise<string> {
	const started = await rest.request<{ executionId?: string }>(
		'POST',
		`/rest/workflows/${workflowId}/run`,
		{ triggerToStartFrom: { name: 'Run' } },
	);
	const id = started.executionId;
	if (!id) throw new Error(`n8n did not start an execution: ${JSON.stringify(started)}`);
	const deadline = Date.now() + 10 * 60_000;
	for (;;) {
		await sleep(500);
		const listed = (await rest.listExecutions({ workflowId }, 10)).find(
			(execution) => String(execution.id) === String(id),
		);
		if (listed && ['success', 'error', 'crashed', 'canceled'].includes(listed.status))
			return String(id);
		if (Date.now() > deadline) throw new Error(`Execution ${id} did not finish within 10 min.`);
	}
}

/**
 * Warm-up run (so code loading and first-use caches are not counted), let the process settle, reset its
 * high-water mark, run again, read the peak.
 */
async function measure(
	target: N8n,
	rest: N8nRest,
	mode: string,
	sizeMb: number,
): Promise<MemoryResult> {
	const pid = target.pid;
	if (!pid) throw new Error('The n8n process is not running.');
	const warmup = await runOnce(rest, WORKFLOW_ID);
	await sleep(3000);
	fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
	const before = statusKb(pid, 'VmRSS');
	const started = Date.now();
	const id = await runOnce(rest, WORKFLOW_ID);
	const seconds = (Date.now() - started) / 1000;
	const peak = statusKb(pid, 'VmHWM');
	const execution = await rest.getExecution(id);
	const [item] = nodeOutput(decodeExecutionData(execution), NODE_NAME);
	const bytes = Number(item?.size_bytes);
	if (execution.status !== 'success' || !(bytes >= sizeMb * MB - 64)) {
		throw new Error(
			`Download Recording did not fetch the ${sizeMb} MB recording (${mode}): execution ${id} ${execution.status}, size_bytes ${item?.size_bytes}.`,
		);
	}
	const growthMb = (peak - before) / 1024;
	return {
		mode,
		growthMb,
		detail: `memory (${mode}): pid ${pid}, VmRSS before ${(before / 1024).toFixed(1)} MB, VmHWM during the run ${(peak / 1024).toFixed(1)} MB; execution ${id} (warm-up ${warmup}) ${execution.status}, ${bytes} bytes in ${seconds.toFixed(1)} s`,
	};
}

async function packed(): Promise<PackedPackage> {
	// Like the rest of `npm run bench`, measure the code as built; build only when dist/ is missing.
	return await buildAndPack({ skipBuild: fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes')) });
}

async function filesystemMode(
	runtime: Runtime,
	pack: PackedPackage,
	sizeMb: number,
): Promise<MemoryResult> {
	const userFolder = tempUserFolder('bench-memory-fs');
	const stack = await startStack({
		runtime,
		packed: pack,
		userFolder,
		n8nPort: 0,
		sandboxPort: 0,
		seedCalls: 0,
		sandboxArgs: ['--rate-limit', 'unlimited', '--recording-mb', String(sizeMb)],
		n8nEnv: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
	});
	try {
		await stack.n8n.importWorkflows([downloadWorkflow(await seedRecordedCall(stack.sandbox))]);
		return await measure(stack.n8n, stack.n8n.rest, 'filesystem', sizeMb);
	} finally {
		await stack.stop();
		archiveLogs(userFolder, 'bench-memory-fs');
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

async function queueDefaultMode(
	runtime: Runtime,
	pack: PackedPackage,
	sizeMb: number,
): Promise<MemoryResult> {
	const userFolder = tempUserFolder('bench-memory-queue');
	const stack = await startQueueStack({
		runtime,
		packed: pack,
		userFolder,
		workers: 1,
		concurrency: 1,
		n8nPort: 0,
		sandboxPort: 0,
		seedCalls: 0,
		sandboxArgs: ['--rate-limit', 'unlimited', '--recording-mb', String(sizeMb)],
	});
	try {
		await stack.main.importWorkflows([downloadWorkflow(await seedRecordedCall(stack.sandbox))]);
		const result = await measure(stack.workers[0], stack.main.rest, 'database', sizeMb);
		return {
			...result,
			detail: `${result.detail}; queue mode, measured on the worker (its default binary-data mode)`,
		};
	} finally {
		await stack.stop();
		archiveLogs(userFolder, 'bench-memory-queue');
		archiveQueueLogs(userFolder, 'bench-memory-queue', 1);
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

export async function measureRecordingMemory(sizeMb: number): Promise<MemoryResult[]> {
	const runtime = await ensureRuntime();
	const pack = await packed();
	log(`memory: Download Recording of a ${sizeMb} MB recording, filesystem mode (regular n8n)…`);
	const filesystem = await filesystemMode(runtime, pack, sizeMb);
	log(`memory: the same in queue mode (database binary data, on a worker)…`);
	const database = await queueDefaultMode(runtime, pack, sizeMb);
	return [filesystem, database];
}

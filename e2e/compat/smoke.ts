/**
 * The smoke checks of one compat row, in a real n8n with our packed tarball installed the way Community
 * Nodes installs it (e2e/lib/package.ts), against a private sandbox. Each check is independent where it
 * can be: a failure is recorded with its message and the next check runs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	activateWorkflowCompat,
	deactivateWorkflowCompat,
	resourceLocatorSearch,
	runWorkflowCompat,
} from '../lib/compat-rest';
import { FormClient } from '../lib/forms';
import type { WorkflowImport } from '../lib/n8n';
import {
	decodeExecutionData,
	nodeOutput,
	type ExecutionDetail,
	type N8nRest,
	type RunData,
} from '../lib/n8n-rest';
import type { PackedPackage } from '../lib/package';
import { CREDENTIAL_TYPE, EXAMPLES_DIR, NODE_TYPES } from '../lib/paths';
import { log, sleep } from '../lib/proc';
import type { Runtime } from '../lib/runtime';
import { SandboxControl } from '../lib/sandbox-control';
import {
	SANDBOX_CREDENTIAL,
	archiveLogs,
	startStack,
	tempUserFolder,
	type Stack,
} from '../lib/stack';
import type { CompatRow } from './rows';

export interface CheckResult {
	name: string;
	ok: boolean;
	ms: number;
	error?: string;
}

const OTP_ID = 'avExVoiceOtpForm';
const FORM_PATH = 'agentive-voice-signup';
const ACTIONS_ID = 'avCompatActions01';
const TRIGGER_ID = 'avCompatTrigger01';
const TRIGGER_NODE = 'Finished calls';
const TRIGGER_NODE_ID = 'c0a1-trigger';
const CREDENTIALS = {
	[CREDENTIAL_TYPE]: { id: SANDBOX_CREDENTIAL.id, name: SANDBOX_CREDENTIAL.name },
};

/** The checks every row runs, in order (the restart check only on rows with `restart`). */
export const CHECKS = [
	'package loads (node and credential types)',
	'credential Test passes (right secret)',
	'credential Test fails (wrong secret)',
	'campaign resource locator lists campaigns',
	'OTP example: right code ends on the success page',
	'OTP example: wrong code shows the retry page, then the right code succeeds',
	'Place Call',
	'Download Recording',
	'trigger: first poll is a baseline (emits nothing)',
	'trigger: a later poll emits a finished call exactly once',
] as const;
export const RESTART_CHECK =
	'trigger: every call exactly once over several polls and a restart of n8n';
export const CURSOR_CHECK = "trigger: its cursor is in n8n's poller_state table, up to date";

const parseJson = (value: unknown): unknown =>
	typeof value === 'string' ? (JSON.parse(value) as unknown) : value;

/** The trigger's tracker in a node static data object (or its JSON), if there is one. */
function trackerIn(
	nodeStaticData: unknown,
): { latestMs: number | null; seen: Record<string, number> } | undefined {
	const data = parseJson(nodeStaticData) as { callTracker?: unknown } | null | undefined;
	const tracker = data?.callTracker as
		| { latestMs: number | null; seen: Record<string, number> }
		| undefined;
	return tracker && typeof tracker.seen === 'object' ? tracker : undefined;
}

function credentialed(node: Record<string, unknown>): Record<string, unknown> {
	return { ...node, credentials: CREDENTIALS };
}

/**
 * Manual Trigger → Place Call, and Manual Trigger → Call › Get Many (the newest completed call) →
 * Download Recording of it (the test seeds a recorded call just before, so that is the newest).
 */
function actionsWorkflow(): WorkflowImport {
	return {
		id: ACTIONS_ID,
		name: 'compat: Place Call and Download Recording',
		active: false,
		nodes: [
			{
				id: 'c0a1-place-run',
				name: 'Run place',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			credentialed({
				id: 'c0a1-place',
				name: 'Place Call',
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'call',
					operation: 'place',
					callType: 'audio_blast',
					number: '9811112222',
					audioId: 12,
					referenceId: 'compat-place-1',
				},
			}),
			{
				id: 'c0a1-dl-run',
				name: 'Run download',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 200],
				parameters: {},
			},
			credentialed({
				id: 'c0a1-newest',
				name: 'Newest completed call',
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [220, 200],
				parameters: {
					resource: 'call',
					operation: 'getMany',
					returnAll: false,
					limit: 1,
					filters: { status: 'completed' },
				},
			}),
			credentialed({
				id: 'c0a1-dl',
				name: 'Download Recording',
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [440, 200],
				parameters: {
					resource: 'call',
					operation: 'downloadRecording',
					uniqueId: '={{ $json.unique_id }}',
				},
			}),
		],
		connections: {
			'Run place': { main: [[{ node: 'Place Call', type: 'main', index: 0 }]] },
			'Run download': { main: [[{ node: 'Newest completed call', type: 'main', index: 0 }]] },
			'Newest completed call': { main: [[{ node: 'Download Recording', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

function triggerWorkflow(): WorkflowImport {
	return {
		id: TRIGGER_ID,
		name: 'compat: trigger',
		active: false,
		nodes: [
			credentialed({
				id: TRIGGER_NODE_ID,
				name: TRIGGER_NODE,
				type: NODE_TYPES.trigger,
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					pollTimes: { item: [{ mode: 'everyMinute' }] },
					events: ['completed', 'failed'],
					filters: {},
					options: {},
				},
			}),
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The example uses n8n 2.x's Form nodes (v2.5), which n8n 1.x does not have. On 1.x rows the Form and Form
 * Trigger nodes are set to the newest version that n8n version has, and each form field's label is set to
 * its field name (see otpExample); our nodes and the If nodes are unchanged. docs/development.md's compatibility table says so.
 */
const FORM_VERSIONS_1X: Record<string, { form: number; formTrigger: number }> = {
	'1.123.81': { form: 2.3, formTrigger: 2.3 },
	'1.88.0': { form: 1, formTrigger: 2.2 },
};

function otpExample(n8nVersion: string): WorkflowImport {
	const workflow = JSON.parse(
		fs.readFileSync(path.join(EXAMPLES_DIR, 'voice-otp-signup.json'), 'utf8'),
	) as WorkflowImport;
	assert.equal(workflow.id, OTP_ID);
	const forms = FORM_VERSIONS_1X[n8nVersion];
	if (forms) {
		// 1.x has no per-field `fieldName` (2.x's key for the answer): it keys each answer by its label, so the
		// labels become the names the example's expressions use ($json.phone, $json.code).
		const keyedByName = (node: Record<string, unknown>): Record<string, unknown> => {
			const parameters = JSON.parse(JSON.stringify(node.parameters)) as {
				formFields?: { values?: Array<Record<string, unknown>> };
			};
			for (const field of parameters.formFields?.values ?? [])
				if (field.fieldName) field.fieldLabel = field.fieldName;
			return { ...node, parameters };
		};
		workflow.nodes = workflow.nodes.map((node) => {
			if (node.type === 'n8n-nodes-base.form')
				return { ...keyedByName(node), typeVersion: forms.form };
			if (node.type === 'n8n-nodes-base.formTrigger')
				return { ...keyedByName(node), typeVersion: forms.formTrigger };
			return node;
		});
	}
	return { ...workflow, active: true };
}

/** A different code of the same length. */
function wrongCode(code: string): string {
	return code
		.split('')
		.map((digit) => String((Number(digit) + 1) % 10))
		.join('');
}

async function seedRecordedCall(controlUrl: string): Promise<string> {
	const response = await fetch(`${controlUrl}/calls/seed`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ calls: [{ status: 'completed', duration_sec: 60 }] }),
	});
	const body = (await response.json()) as { data?: Array<{ unique_id: string }> };
	if (!response.ok || !body.data?.[0]?.unique_id)
		throw new Error(`Could not seed a recorded call: ${JSON.stringify(body)}`);
	return body.data[0].unique_id;
}

/** Runs one row: boots its stack, runs the checks, stops it. Never throws; a failed boot fails every check. */
export async function runRow(
	row: CompatRow,
	runtime: Runtime,
	packed: PackedPackage,
): Promise<CheckResult[]> {
	const results: CheckResult[] = [];
	const names: string[] = [
		...CHECKS,
		...(row.restart ? [RESTART_CHECK] : []),
		...(row.cursorInDatabase ? [CURSOR_CHECK] : []),
	];
	const label = `compat-${row.name}`;
	const userFolder = tempUserFolder(label);
	let stack: Stack | undefined;
	try {
		stack = await startStack({
			runtime,
			packed,
			userFolder,
			n8nPort: 0,
			sandboxPort: 0,
			seedCalls: 5,
			workflows: [otpExample(runtime.n8nVersion), actionsWorkflow(), triggerWorkflow()],
			n8nEnv: row.env,
		});
	} catch (error) {
		const message = (error as Error).message;
		archiveLogs(userFolder, label);
		log(`compat ${row.name}: the stack did not start: ${message.split('\n')[0]}`);
		for (const name of names)
			results.push({
				name,
				ok: false,
				ms: 0,
				error: `stack did not start: ${message.split('\n')[0]}`,
			});
		await stack?.stop().catch(() => undefined);
		return results;
	}

	const s = stack;
	const sandbox = new SandboxControl(s.sandbox);
	const forms = new FormClient(s.n8n.baseUrl);
	const rest = (): N8nRest => s.n8n.rest;
	const version = runtime.n8nVersion;

	const check = async (name: string, fn: () => Promise<void>): Promise<void> => {
		const started = Date.now();
		try {
			await fn();
			results.push({ name, ok: true, ms: Date.now() - started });
			log(`compat ${row.name}:   ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
		} catch (error) {
			const message = (error as Error).message ?? String(error);
			results.push({ name, ok: false, ms: Date.now() - started, error: message });
			log(
				`compat ${row.name}:   FAIL ${name}: ${message.split('\n').slice(0, 6).join('\n      ')}`,
			);
		}
	};

	try {
		/** One retry for a dropped connection (seen once right after start-up on a loaded machine). */
		const retried = async <T>(fn: () => Promise<T>): Promise<T> => {
			try {
				return await fn();
			} catch (error) {
				if (!/socket hang up|ECONNRESET/.test((error as Error).message)) throw error;
				await sleep(2000);
				return await fn();
			}
		};

		await check(CHECKS[0], async () => {
			const nodeTypes = new Set(
				(await retried(async () => await rest().nodeTypes())).map((type) => type.name),
			);
			assert.deepEqual(
				[nodeTypes.has(NODE_TYPES.action), nodeTypes.has(NODE_TYPES.trigger)],
				[true, true],
				'both node types registered',
			);
			const credentialTypes = new Set(
				(await retried(async () => await rest().credentialTypes())).map((type) => type.name),
			);
			assert.ok(credentialTypes.has(CREDENTIAL_TYPE), 'credential type registered');
		});

		await check(CHECKS[1], async () => {
			const result = await rest().testCredential(SANDBOX_CREDENTIAL.id);
			assert.deepEqual(
				{ status: result.status },
				{ status: 'OK' },
				`credential test: ${JSON.stringify(result)}`,
			);
		});

		await check(CHECKS[2], async () => {
			const result = await rest().testCredential(SANDBOX_CREDENTIAL.id, {
				secretKey: 'sk_wrong_0000000000000000',
			});
			assert.equal(
				result.status,
				'Error',
				`credential test with a wrong secret: ${JSON.stringify(result)}`,
			);
			assert.ok(
				!JSON.stringify(result).includes(s.sandbox.apiSecret),
				'the secret is not in the answer',
			);
		});

		await check(CHECKS[3], async () => {
			const answer = await resourceLocatorSearch(rest(), {
				nodeType: NODE_TYPES.action,
				nodeVersion: 1,
				path: 'campaignId',
				methodName: 'searchTriggerableCampaigns',
				currentNodeParameters: {
					resource: 'campaign',
					operation: 'trigger',
					campaignId: { __rl: true, mode: 'list', value: '' },
				},
				credentials: CREDENTIALS,
			});
			assert.ok(answer.results.length > 0, `campaign list: ${JSON.stringify(answer)}`);
			assert.ok(
				answer.results.some((item) => String(item.value) === '57'),
				`campaign 57 in ${JSON.stringify(answer.results)}`,
			);
			const filtered = await resourceLocatorSearch(rest(), {
				nodeType: NODE_TYPES.action,
				nodeVersion: 1,
				path: 'campaignId',
				methodName: 'searchTriggerableCampaigns',
				currentNodeParameters: {
					resource: 'campaign',
					operation: 'trigger',
					campaignId: { __rl: true, mode: 'list', value: '' },
				},
				credentials: CREDENTIALS,
				filter: '57',
			});
			assert.deepEqual(
				filtered.results.map((item) => String(item.value)),
				['57'],
			);
		});

		const runDataOf = async (executionId: string): Promise<RunData> =>
			decodeExecutionData(await rest().getExecution(executionId));
		const signUp = async (
			number: string,
		): Promise<{ url: string; executionId: string; code: string }> => {
			const started = await forms.submitTrigger(FORM_PATH, [number]);
			assert.equal(started.status, 200, `form submit: ${started.body.slice(0, 300)}`);
			assert.match(String(started.formWaitingUrl), /\/form-waiting\/\d+/);
			const url = started.formWaitingUrl as string;
			assert.equal(await forms.waitForNextPage(url), 'form-waiting');
			const [sent] = nodeOutput(await runDataOf(started.executionId as string), 'Send Code');
			assert.equal(sent?.status, 'success', `Send Code: ${JSON.stringify(sent)}`);
			const otp = await sandbox.otp(sent.request_id as string);
			assert.match(otp.code, /^\d{6}$/);
			return { url, executionId: started.executionId as string, code: otp.code };
		};
		const answer = async (url: string, value: string) => {
			const submitted = await forms.submitPage(url, [value]);
			assert.equal(submitted.status, 200, `form page submit: ${submitted.body.slice(0, 300)}`);
			assert.equal(await forms.waitForNextPage(url), 'form-waiting');
			return await forms.getPage(url);
		};
		const finish = async (url: string, executionId: string): Promise<string> => {
			await forms.acknowledgeCompletion(url);
			return (await rest().waitForExecution(executionId, 30_000)).status;
		};

		await check(CHECKS[4], async () => {
			const { url, executionId, code } = await signUp('9812345678');
			const codePage = await forms.getPage(url);
			assert.equal(codePage.title, 'Enter your code');
			const done = await answer(url, code);
			assert.deepEqual(
				{ completion: done.completion, title: done.title },
				{ completion: true, title: 'You are verified' },
			);
			assert.equal(await finish(url, executionId), 'success');
			const runData = await runDataOf(executionId);
			assert.equal(runData.resultData.error, undefined);
			assert.equal(nodeOutput(runData, 'Verify Code')[0]?.verified, true);
		});

		await check(CHECKS[5], async () => {
			const { url, executionId, code } = await signUp('9812345679');
			const retry = await answer(url, wrongCode(code));
			assert.deepEqual(
				{ completion: retry.completion, title: retry.title, text: retry.text },
				{
					completion: false,
					title: 'Try again',
					text: 'That code did not match. Attempts left: 2.',
				},
			);
			assert.equal((await rest().getExecution(executionId)).status, 'waiting');
			const done = await answer(url, code);
			assert.equal(done.title, 'You are verified');
			assert.equal(await finish(url, executionId), 'success');
		});

		const nodeError = (execution: ExecutionDetail, node: string): string | undefined => {
			const data = decodeExecutionData(execution);
			return data.resultData.error?.message ?? data.resultData.runData[node]?.[0]?.error?.message;
		};

		await check(CHECKS[6], async () => {
			const before = (await sandbox.calls()).length;
			const execution = await runWorkflowCompat(rest(), version, ACTIONS_ID, 'Run place');
			assert.deepEqual(
				{ status: execution.status, error: nodeError(execution, 'Place Call') },
				{ status: 'success', error: undefined },
			);
			const [item] = nodeOutput(decodeExecutionData(execution), 'Place Call');
			assert.equal(item?.status, 'success', JSON.stringify(item));
			assert.match(String(item.unique_id), /^run_\d+$/);
			const calls = await sandbox.calls();
			assert.equal(calls.length, before + 1, 'exactly one call placed');
			assert.equal(calls.filter((call) => call.reference_id === 'compat-place-1').length, 1);
		});

		await check(CHECKS[7], async () => {
			const recordedCall = await seedRecordedCall(
				s.sandbox.controlUrl ?? `${s.sandbox.origin}/__sandbox`,
			);
			const execution = await runWorkflowCompat(rest(), version, ACTIONS_ID, 'Run download');
			assert.deepEqual(
				{ status: execution.status, error: nodeError(execution, 'Download Recording') },
				{ status: 'success', error: undefined },
			);
			const run = decodeExecutionData(execution).resultData.runData['Download Recording'][0];
			const item = (run.data?.main?.[0] ?? [])[0] as {
				json: Record<string, unknown>;
				binary?: Record<string, { fileSize?: string; mimeType?: string; fileName?: string }>;
			};
			assert.equal(item.json.unique_id, recordedCall);
			assert.ok(Number(item.json.size_bytes) > 0, `size_bytes ${String(item.json.size_bytes)}`);
			assert.ok(item.binary?.data, `binary data: ${JSON.stringify(item.binary)}`);
			assert.match(String(item.binary.data.mimeType), /^audio\//);
		});

		// ---- trigger ----
		const pollCount = async (): Promise<number> =>
			(await sandbox.log()).filter((entry) => entry.method === 'GET' && entry.path === '/calls')
				.length;
		/** Resolves once a new poll (a List calls request after `seen` of them) has run and the log stays quiet for 2 s. */
		const untilPoll = async (seen: number, timeoutMs: number): Promise<number> => {
			const deadline = Date.now() + timeoutMs;
			while ((await pollCount()) <= seen) {
				if (Date.now() > deadline)
					throw new Error(`No poll of the trigger within ${timeoutMs / 1000} s.`);
				await sleep(500);
			}
			let entries = (await sandbox.log()).length;
			for (;;) {
				await sleep(2000);
				const now = (await sandbox.log()).length;
				if (now === entries) return await pollCount();
				entries = now;
			}
		};
		const emittedIds = async (): Promise<string[]> => {
			const ids: string[] = [];
			for (const summary of await rest().listExecutions({ workflowId: TRIGGER_ID })) {
				// An emitting poll's execution may still be running: wait for it to end.
				const execution = await rest().waitForExecution(summary.id, 60_000);
				assert.equal(
					execution.status,
					'success',
					`trigger execution ${summary.id}: ${execution.status}`,
				);
				ids.push(
					...nodeOutput(decodeExecutionData(execution), TRIGGER_NODE).map((call) =>
						String(call.unique_id),
					),
				);
			}
			return ids;
		};
		const place = async (prefix: string, count: number): Promise<string[]> => {
			const ids: string[] = [];
			for (let i = 0; i < count; i++) {
				// Ordinary numbers are answered and end "completed" within about a minute of sandbox time.
				const call = await sandbox.placeCall({
					type: 'audio_blast',
					number: `98${String(Date.now() % 1e6).padStart(6, '0')}${String(i).padStart(2, '0')}`,
					audio_id: 12,
					reference_id: `${prefix}-${i}`,
				});
				ids.push(call.unique_id);
			}
			return ids;
		};
		const waitUntilEmitted = async (expected: string[], timeoutMs: number): Promise<void> => {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const ids = await emittedIds();
				if (expected.every((id) => ids.includes(id))) return;
				if (Date.now() > deadline)
					throw new Error(
						`Not emitted within ${timeoutMs / 1000} s: ${expected.filter((id) => !ids.includes(id)).join(', ')}`,
					);
				await sleep(2000);
			}
		};

		let polls = 0;
		const expected: string[] = [];
		await check(CHECKS[8], async () => {
			// Every call placed so far has ended before the trigger's baseline.
			await sandbox.advanceClock(15 * 60_000);
			polls = await pollCount();
			await activateWorkflowCompat(rest(), TRIGGER_ID);
			polls = await untilPoll(polls, 90_000);
			if (row.cursorInDatabase) {
				// n8n 2.41.1 commits no cursor for the activation poll when it emits nothing (its
				// PollTriggerExecutor skips commitStagedCursor for that "testing" poll), and with durable
				// cursors each scheduled poll starts from poller_state: the first scheduled poll is a
				// baseline again. Calls must therefore be placed after it (docs: compatibility).
				polls = await untilPoll(polls, 90_000);
				const lists = (await sandbox.log()).filter(
					(entry) => entry.method === 'GET' && entry.path === '/calls',
				);
				const repeated = lists.length >= 2 && !('from' in (lists.at(-1)?.query ?? {}));
				log(
					`compat ${row.name}:   the first scheduled poll ${repeated ? "repeated the baseline (the activation poll's state was not kept)" : "continued from the activation poll's state"}`,
				);
			}
			await sleep(3000);
			assert.deepEqual(await emittedIds(), [], 'the baseline emits nothing');
		});

		await check(CHECKS[9], async () => {
			const ids = await place('compat-a', 2);
			await sandbox.advanceClock(120_000);
			expected.push(...ids);
			await waitUntilEmitted(ids, 150_000);
			// One more poll must not emit them again.
			polls = await untilPoll(await pollCount(), 90_000);
			await sleep(3000);
			const all = await emittedIds();
			assert.deepEqual(
				all.filter((id) => ids.includes(id)).sort(),
				[...ids].sort(),
				'each finished call once',
			);
			assert.equal(new Set(all).size, all.length, `no duplicates in ${all.join(', ')}`);
		});

		if (row.restart) {
			await check(RESTART_CHECK, async () => {
				// Finishing before the restart, and polled before it.
				const before = await place('compat-before', 3);
				await sandbox.advanceClock(120_000);
				expected.push(...before);
				await waitUntilEmitted(before, 150_000);
				// Finishing before the restart but not polled yet, then finishing while n8n is down.
				const unpolled = await place('compat-unpolled', 2);
				await sandbox.advanceClock(120_000);
				const during = await place('compat-during', 3);
				expected.push(...unpolled, ...during);
				log(`compat ${row.name}:   restarting n8n…`);
				await s.n8n.stop();
				await sandbox.advanceClock(120_000);
				await s.n8n.start();
				await s.n8n.rest.ensureOwner(s.owner);
				// Finishing after the restart.
				const after = await place('compat-after', 3);
				await sandbox.advanceClock(120_000);
				expected.push(...after);
				await waitUntilEmitted([...unpolled, ...during, ...after], 240_000);
				polls = await untilPoll(await pollCount(), 90_000);
				await sleep(3000);
				const all = await emittedIds();
				const counts = new Map<string, number>();
				for (const id of all) counts.set(id, (counts.get(id) ?? 0) + 1);
				assert.deepEqual(
					expected.map((id) => [id, counts.get(id) ?? 0]).filter(([, count]) => count !== 1),
					[],
					'every expected call emitted exactly once',
				);
				assert.equal(new Set(all).size, all.length, 'no call emitted twice');
				log(
					`compat ${row.name}:   ${expected.length} calls over ${(await rest().listExecutions({ workflowId: TRIGGER_ID })).length} emitting polls, each once`,
				);
			});
		}
		if (row.cursorInDatabase) {
			await check(CURSOR_CHECK, async () => {
				// Durable poll cursors: n8n keeps the node's static data in poller_state, committed with each execution.
				const [stored, ...others] = await s.n8n.query<{ cursor: unknown }>(
					'SELECT "cursor" FROM poller_state WHERE "workflowId" = ? AND "nodeId" = ?',
					[TRIGGER_ID, TRIGGER_NODE_ID],
				);
				assert.ok(stored && others.length === 0, 'one poller_state row for the trigger node');
				const tracker = trackerIn(stored.cursor);
				assert.ok(tracker, `a call tracker in the poller_state cursor: ${String(stored.cursor)}`);
				const newest = expected.slice(-3);
				assert.deepEqual(
					newest.filter((id) => !(id in tracker.seen)),
					[],
					'the last emitted calls are remembered in the poller_state cursor',
				);
				const [workflow] = await s.n8n.query<{ staticData: unknown }>(
					'SELECT "staticData" FROM workflow_entity WHERE id = ?',
					[TRIGGER_ID],
				);
				const legacy = trackerIn(
					(parseJson(workflow?.staticData) as Record<string, unknown> | null)?.[
						`node:${TRIGGER_NODE}`
					],
				);
				log(
					`compat ${row.name}:   poller_state cursor: latestMs ${tracker.latestMs}, ${Object.keys(tracker.seen).length} calls seen; workflow static data: ${
						legacy
							? `latestMs ${legacy.latestMs}, last calls ${newest.filter((id) => id in legacy.seen).length}/${newest.length}`
							: 'no tracker'
					}`,
				);
			});
		}
		await deactivateWorkflowCompat(rest(), TRIGGER_ID).catch(() => undefined);
	} catch (error) {
		// An error outside a check (e.g. n8n died): the checks not run yet fail with it.
		const message = ((error as Error).message ?? String(error)).split('\n')[0];
		log(`compat ${row.name}: stopped: ${message}`);
		for (const name of names.filter((n) => !results.some((r) => r.name === n)))
			results.push({ name, ok: false, ms: 0, error: message });
	} finally {
		// Checks that never ran (an unexpected error between them) count as failed.
		for (const name of names.filter((n) => !results.some((r) => r.name === n))) {
			results.push({ name, ok: false, ms: 0, error: 'not reached' });
		}
		await s.stop().catch(() => undefined);
		archiveLogs(userFolder, label);
		if (process.env.E2E_KEEP !== '1') fs.rmSync(userFolder, { recursive: true, force: true });
	}
	return results;
}

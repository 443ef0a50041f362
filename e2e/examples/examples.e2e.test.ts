/**
 * The example workflows in examples/, imported into a real n8n 2.41.1 exactly as `npm start` imports
 * them, and run against the sandbox:
 *
 * - every example imports, and the editor would flag none of its nodes (types, versions, parameters);
 * - voice OTP sign-up, driven through its public form URLs like a browser: the right code ends on the
 *   success page; a wrong code shows the retry page (the execution waits, it does not fail) and the
 *   right code then succeeds; a mistyped code and three wrong codes end on "Start over"; a bad number
 *   ends on "Could not call";
 * - campaign blast: each of the 150 numbers gets exactly one call, every item succeeds, and the node's
 *   pacing keeps the sandbox from answering 429 (the sandbox runs a 10 s rate-limit window here so the
 *   run stays short; 150 requests still exceed one window's 120);
 * - reconcile into CSV files (published, under `n8n start`): a poll emits the calls that finished,
 *   writes them to a CSV file, and the next poll does not emit them again;
 * - afterwards the secret key is nowhere in n8n's database, execution data, log or files.
 *
 * The Google Sheets variant is only imported and checked here; e2e/google/sheets.e2e.test.ts runs
 * it against a local stand-in of Google.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormClient, type FormPage } from '../lib/forms';
import { bootSuiteStack, searchFiles, stopSuiteStack } from '../lib/harness';
import type { WorkflowImport } from '../lib/n8n';
import { decodeExecutionData, nodeOutput, type N8nRest, type RunData } from '../lib/n8n-rest';
import { log, sleep } from '../lib/proc';
import { SandboxControl } from '../lib/sandbox-control';
import {
	EXAMPLE_FILES_FOLDER,
	SANDBOX_CREDENTIAL,
	loadExampleWorkflows,
	type Stack,
} from '../lib/stack';
import { workflowIssues } from '../lib/workflow-check';

const LABEL = 'examples';
const OTP_ID = 'avExVoiceOtpForm';
/** examples/reconcile-calls-google-sheets.json: run by e2e/google/sheets.e2e.test.ts. */
const SHEETS_ID = 'avExReconcileGsh';
const CSV_ID = 'avExReconcileCsv';
const BLAST_ID = 'avExCampaignList';
/** examples/reconcile-calls-data-table.json and redial-unanswered.json: run by e2e/reconcile/reconcile.e2e.test.ts. */
const TABLE_ID = 'avExReconcileTbl';
const REDIAL_ID = 'avExRedialUnansw';
/** examples/ai-phone-verification-agent.json: run by e2e/ai-agent/agent.e2e.test.ts (it needs the scripted model). */
const AGENT_ID = 'avExAiPhoneAgent';
const FORM_PATH = 'agentive-voice-signup';
/** The folder the CSV example writes to under `npm start`; the test points it at its own temp folder. */
const EXAMPLE_FILES_ROOT = EXAMPLE_FILES_FOLDER;
const RATE_LIMIT_WINDOW_MS = 10_000;

/** Runs of a node: for each run, its main outputs (arrays of json). */
function runsOf(runData: RunData, node: string): Array<Array<Array<Record<string, unknown>>>> {
	return (runData.resultData.runData[node] ?? []).map((run) =>
		(run.data?.main ?? []).map((items) => (items ?? []).map((item) => item.json)),
	);
}

/** Names of the nodes that ran at least once. */
function nodesThatRan(runData: RunData): string[] {
	return Object.keys(runData.resultData.runData).sort();
}

/** A different code of the same length. */
function wrongCode(code: string): string {
	return code
		.split('')
		.map((digit) => String((Number(digit) + 1) % 10))
		.join('');
}

/** Rows of a CSV file written by Convert to File (a BOM, a header row, no quoted commas in our data). */
function readCsv(file: string): Array<Record<string, string>> {
	const [header, ...lines] = fs
		.readFileSync(file, 'utf8')
		.replace(/^\uFEFF/, '')
		.trim()
		.split(/\r?\n/);
	const columns = header.split(',');
	return lines.map((line) =>
		Object.fromEntries(line.split(',').map((value, index) => [columns[index], value])),
	);
}

describe('example workflows in a real n8n', () => {
	const examples = loadExampleWorkflows();
	const filesRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'agentive-voice-example-files-'));
	const csvFolder = path.join(filesRoot, 'agentive-voice-calls');
	// The example's folder is swapped for csvFolder, inside the folder this n8n may use.
	let stack: Stack;
	let rest: N8nRest;
	let forms: FormClient;
	let sandbox: SandboxControl;

	beforeAll(async () => {
		fs.mkdirSync(csvFolder, { recursive: true });
		// n8n 2.x lets the Read/Write Files node use only N8N_RESTRICT_FILE_ACCESS_TO; point the example there.
		const workflows = examples.map(
			(workflow) =>
				JSON.parse(
					JSON.stringify(workflow).split(EXAMPLE_FILES_ROOT).join(csvFolder),
				) as WorkflowImport,
		);
		stack = await bootSuiteStack(LABEL, {
			workflows,
			sandboxArgs: ['--window-ms', String(RATE_LIMIT_WINDOW_MS)],
			n8nEnv: { N8N_RESTRICT_FILE_ACCESS_TO: filesRoot },
		});
		rest = stack.n8n.rest;
		forms = new FormClient(stack.n8n.baseUrl);
		sandbox = new SandboxControl(stack.sandbox);
	});

	afterAll(async () => {
		await stopSuiteStack(stack, LABEL);
		if (process.env.E2E_KEEP !== '1') fs.rmSync(filesRoot, { recursive: true, force: true });
	});

	it('imports every example, and the editor would flag none of their nodes', async () => {
		expect(examples.map((workflow) => workflow.id).sort()).toEqual(
			[AGENT_ID, BLAST_ID, OTP_ID, CSV_ID, SHEETS_ID, TABLE_ID, REDIAL_ID].sort(),
		);
		const nodeTypes = await rest.nodeTypes();
		for (const example of examples) {
			const stored = await rest.getWorkflow(example.id as string);
			expect({ id: stored.id, name: stored.name, nodes: stored.nodes.length }).toEqual({
				id: example.id,
				name: example.name,
				nodes: example.nodes.length,
			});
			expect({ id: example.id, issues: workflowIssues(example, nodeTypes) }).toEqual({
				id: example.id,
				issues: [],
			});
			for (const node of example.nodes.filter((n) =>
				String(n.type).startsWith('n8n-nodes-agentive-voice.'),
			)) {
				expect(node.credentials).toEqual({
					agentiveVoiceApi: { id: SANDBOX_CREDENTIAL.id, name: SANDBOX_CREDENTIAL.name },
				});
			}
		}
		// Only the form is published on import (its URL works at once); the others wait for the user.
		expect((await rest.getWorkflow(OTP_ID)).active).toBe(true);
		for (const id of [SHEETS_ID, CSV_ID, BLAST_ID, TABLE_ID, REDIAL_ID])
			expect((await rest.getWorkflow(id)).active).toBe(false);
	});

	describe('voice OTP sign-up form', () => {
		async function runDataOf(executionId: string): Promise<RunData> {
			return decodeExecutionData(await rest.getExecution(executionId));
		}

		/** Submit the first page; resolves once the next page waits. */
		async function signUp(number: string): Promise<{ url: string; executionId: string }> {
			const started = await forms.submitTrigger(FORM_PATH, [number]);
			expect(started.status).toBe(200);
			expect(started.formWaitingUrl).toMatch(/\/form-waiting\/\d+\?signature=/);
			expect(await forms.waitForNextPage(started.formWaitingUrl as string)).toBe('form-waiting');
			return { url: started.formWaitingUrl as string, executionId: started.executionId as string };
		}

		/** The code the sandbox's verification call read out for this execution's Send Code. */
		async function spokenCode(executionId: string): Promise<string> {
			const [sent] = nodeOutput(await runDataOf(executionId), 'Send Code');
			expect(sent).toMatchObject({ status: 'success', request_id: expect.any(String) });
			const otp = await sandbox.otp(sent.request_id as string);
			expect(otp.code).toMatch(/^\d{6}$/);
			return otp.code;
		}

		/** Submit a page and open the page that follows. */
		async function answer(url: string, value: string): Promise<FormPage> {
			const submitted = await forms.submitPage(url, [value]);
			expect(submitted.status).toBe(200);
			expect(await forms.waitForNextPage(url)).toBe('form-waiting');
			return await forms.getPage(url);
		}

		/** A completion page posts back on load; then the execution finishes. */
		async function finish(url: string, executionId: string): Promise<string> {
			await forms.acknowledgeCompletion(url);
			return (await rest.waitForExecution(executionId, 30_000)).status;
		}

		it('serves the first page at /form/<path>', async () => {
			const page = await forms.openTrigger(FORM_PATH);
			expect({ status: page.status, title: page.title, fields: page.fields }).toEqual({
				status: 200,
				title: 'Create your account',
				fields: ['field-0'],
			});
		});

		it('right code: the success page, the execution succeeds on the IF true branch', async () => {
			const { url, executionId } = await signUp('9812345678');
			const codePage = await forms.getPage(url);
			expect({ title: codePage.title, fields: codePage.fields }).toEqual({
				title: 'Enter your code',
				fields: ['field-0'],
			});
			expect(codePage.text).toContain('9812345678');

			const done = await answer(url, await spokenCode(executionId));
			expect({ completion: done.completion, title: done.title }).toEqual({
				completion: true,
				title: 'You are verified',
			});
			expect(done.text).toContain('9812345678');
			expect(await finish(url, executionId)).toBe('success');

			const runData = await runDataOf(executionId);
			expect(runData.resultData.error).toBeUndefined();
			expect(runsOf(runData, 'Verify Code')).toEqual([
				[[expect.objectContaining({ verified: true, details: 'Code verified.' })]],
			]);
			expect(runsOf(runData, 'Verified?')).toEqual([
				[[expect.objectContaining({ verified: true })], []],
			]);
			expect(nodesThatRan(runData)).toEqual(
				[
					'Call placed?',
					'Enter the code',
					'Send Code',
					'Sign-up form',
					'Verified?',
					'Verify Code',
					'Welcome',
				].sort(),
			);
			const [sent] = nodeOutput(runData, 'Send Code');
			expect((await sandbox.otp(sent.request_id as string)).status).toBe('verified');
		});

		it('wrong code: the retry page (the execution waits, it does not fail), then the right code succeeds', async () => {
			const { url, executionId } = await signUp('9812345679');
			const code = await spokenCode(executionId);

			const retry = await answer(url, wrongCode(code));
			expect({ completion: retry.completion, title: retry.title, fields: retry.fields }).toEqual({
				completion: false,
				title: 'Try again',
				fields: ['field-0'],
			});
			expect(retry.text).toBe('That code did not match. Attempts left: 2.');
			const waiting = await rest.getExecution(executionId);
			expect(waiting.status).toBe('waiting');
			const afterWrong = decodeExecutionData(waiting);
			expect(afterWrong.resultData.error).toBeUndefined();
			expect(runsOf(afterWrong, 'Verified?')).toEqual([
				[
					[],
					[
						expect.objectContaining({
							verified: false,
							reason: 'incorrect_code',
							attempts_left: 2,
						}),
					],
				],
			]);
			expect(runsOf(afterWrong, 'Can try again?')[0][0]).toHaveLength(1);
			expect(nodesThatRan(afterWrong)).not.toContain('Welcome');

			const done = await answer(url, code);
			expect(done.title).toBe('You are verified');
			expect(await finish(url, executionId)).toBe('success');
			const runData = await runDataOf(executionId);
			expect(runsOf(runData, 'Verify Code').map((run) => run[0][0].verified)).toEqual([
				false,
				true,
			]);
			expect(nodesThatRan(runData)).not.toContain('Start over');
		});

		it('a mistyped code, then three wrong codes: "Start over", and the execution still succeeds', async () => {
			const { url, executionId } = await signUp('9812345680');
			const code = await spokenCode(executionId);

			const mistyped = await answer(url, '12a4');
			expect(mistyped.title).toBe('Try again');
			expect(mistyped.text).toMatch(
				/^We could not check that code \(Invalid Code "12a4": .+\)\. Type the digits you heard\.$/,
			);

			expect((await answer(url, wrongCode(code))).text).toBe(
				'That code did not match. Attempts left: 2.',
			);
			expect((await answer(url, wrongCode(code))).text).toBe(
				'That code did not match. Attempts left: 1.',
			);
			const end = await answer(url, wrongCode(code));
			expect({ completion: end.completion, title: end.title }).toEqual({
				completion: true,
				title: 'Code not accepted',
			});
			expect(end.text).toMatch(/Open the sign-up form again to get a new call\.$/);
			expect(await finish(url, executionId)).toBe('success');

			const runData = await runDataOf(executionId);
			expect(runData.resultData.error).toBeUndefined();
			const verifications = runsOf(runData, 'Verify Code').map((run) => run[0][0]);
			expect(verifications[0]).toMatchObject({ error: expect.stringContaining('Invalid Code') });
			expect(verifications.slice(1).map((v) => [v.verified, v.reason, v.attempts_left])).toEqual([
				[false, 'incorrect_code', 2],
				[false, 'incorrect_code', 1],
				[false, expect.any(String), 0],
			]);
			expect(nodesThatRan(runData)).not.toContain('Welcome');
		});

		it('a number that is not a mobile: "Could not call", no verification call is made', async () => {
			await sandbox.clearLog();
			const started = await forms.submitTrigger(FORM_PATH, ['12345']);
			const url = started.formWaitingUrl as string;
			expect(await forms.waitForNextPage(url)).toBe('form-waiting');
			const page = await forms.getPage(url);
			expect({ completion: page.completion, title: page.title }).toEqual({
				completion: true,
				title: 'We could not call you',
			});
			expect(page.text).toContain('"12345"');
			expect(await finish(url, started.executionId as string)).toBe('success');
			expect((await sandbox.log()).filter((entry) => entry.path === '/otp/send')).toEqual([]);
		});
	});

	it('campaign blast: one call per number, every item succeeds, no 429 from the sandbox', async () => {
		const numbers = new Set(Array.from({ length: 150 }, (_, index) => `+91${9000010001 + index}`));
		// Start on a fresh rate-limit window (it opens at the first request), so the 121st request must wait.
		await sandbox.advanceClock(RATE_LIMIT_WINDOW_MS);
		await sandbox.clearLog();

		const execution = await rest.runWorkflow(BLAST_ID, { timeoutMs: 240_000 });
		const runData = decodeExecutionData(execution);
		expect({ status: execution.status, error: runData.resultData.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		const items = nodeOutput(runData, 'Trigger campaign 57');
		expect(items).toHaveLength(150);
		for (const item of items) {
			expect(item).toEqual({
				status: 'success',
				code: 200,
				unique_id: expect.stringMatching(/^run_\d+$/),
				reference_id: expect.stringMatching(/^n8n-/),
				details: 'Call queued.',
			});
		}
		expect(new Set(items.map((item) => item.reference_id)).size).toBe(150);

		const calls = (await sandbox.calls()).filter((call) => numbers.has(call.to_number));
		expect(calls).toHaveLength(150);
		expect(new Set(calls.map((call) => call.to_number)).size).toBe(150);
		expect(calls.map((call) => call.reference_id).sort()).toEqual(
			items.map((item) => item.reference_id).sort(),
		);

		const requests = await sandbox.log();
		const triggers = requests.filter(
			(entry) => entry.method === 'POST' && entry.path === '/campaigns/57/trigger',
		);
		expect(triggers.map((entry) => entry.status)).toEqual(Array(150).fill(200));
		expect(requests.filter((entry) => entry.status === 429)).toEqual([]);
		// Paced, not refused: past the window's 120 requests, the node waited for the next window. The
		// window opens at the run's first request, which may be the re-run guard's List calls read.
		expect(triggers[120].at - requests[0].at).toBeGreaterThanOrEqual(RATE_LIMIT_WINDOW_MS);
	});

	it('reconcile into CSV files: a poll writes every finished call (missed too) once; the next poll does not repeat them', async () => {
		// Every call placed so far (blast, OTP) has ended before the trigger's baseline.
		await sandbox.advanceClock(15 * 60_000);
		await sandbox.clearLog();
		// n8n 2.41 publishes through an outbox: the trigger's first poll (the baseline, which emits
		// nothing) runs shortly after the REST call returns. Calls placed before it would count as old.
		await rest.activateWorkflow(CSV_ID);
		await sandbox.untilPollDone(0, 30_000);
		const placed = new Map<string, string>();
		for (const number of ['9000000001', '9000000003', '9000000005', '9000000002']) {
			const call = await sandbox.placeCall({
				type: 'audio_blast',
				number,
				audio_id: 12,
				reference_id: `reconcile-${number}`,
			});
			placed.set(number, call.unique_id);
		}
		// …01 completed, …03 busy and …05 carrier failure are "completed"/"failed"; …02 rang and was
		// never answered: "missed", end reason no_answer. The example listens to all three.
		await sandbox.advanceClock(60_000);
		const expected = ['9000000001', '9000000003', '9000000005', '9000000002'].map(
			(number) => placed.get(number) as string,
		);

		const started = Date.now();
		const [first] = await rest.waitForExecutions(CSV_ID, 1, 140_000);
		log(
			`e2e ${LABEL}: first trigger execution after ${Math.round((Date.now() - started) / 1000)} s`,
		);
		const firstData = decodeExecutionData(await rest.getExecution(first.id));
		expect({ status: first.status, error: firstData.resultData.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		const emitted = nodeOutput(firstData, 'Finished calls').map((call) => call.unique_id);
		expect(emitted).toEqual(expect.arrayContaining(expected));
		const rows = nodeOutput(firstData, 'Shape the row').filter((row) =>
			expected.includes(row.unique_id as string),
		);
		expect(rows.map((row) => [row.unique_id, row.status, row.end_reason]).sort()).toEqual(
			[
				[placed.get('9000000001'), 'completed', 'completed'],
				[placed.get('9000000003'), 'failed', 'busy'],
				[placed.get('9000000005'), 'failed', 'failed'],
				[placed.get('9000000002'), 'missed', 'no_answer'],
			].sort(),
		);
		const [written] = nodeOutput(firstData, 'Write CSV file');
		expect(String(written.fileName).startsWith(`${csvFolder}/calls-`)).toBe(true);

		// Wait for the next poll (List calls requests after that execution), then for what it may emit.
		await sandbox.untilPollDone((await sandbox.log()).length, 80_000);
		await sleep(3000);
		await rest.deactivateWorkflow(CSV_ID);
		log(`e2e ${LABEL}: second poll seen after ${Math.round((Date.now() - started) / 1000)} s`);

		const executions = await rest.listExecutions({ workflowId: CSV_ID });
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
		const emittedByAll: string[] = [];
		for (const summary of executions) {
			emittedByAll.push(
				...nodeOutput(
					decodeExecutionData(await rest.getExecution(summary.id)),
					'Finished calls',
				).map((call) => call.unique_id as string),
			);
		}
		expect(emittedByAll.filter((id) => expected.includes(id)).sort()).toEqual([...expected].sort());
		expect(new Set(emittedByAll).size).toBe(emittedByAll.length);

		const files = fs.readdirSync(csvFolder).filter((file) => file.endsWith('.csv'));
		expect(files.length).toBe(executions.length);
		const csvRows = files.flatMap((file) => readCsv(path.join(csvFolder, file)));
		expect(Object.keys(csvRows[0])).toEqual([
			'unique_id',
			'created_at',
			'direction',
			'to_number',
			'from_number',
			'status',
			'end_reason',
			'duration_sec',
			'campaign_id',
			'reference_id',
			'recorded_at',
		]);
		expect(
			csvRows
				.map((row) => row.unique_id)
				.filter((id) => expected.includes(id))
				.sort(),
		).toEqual([...expected].sort());
		expect(csvRows.find((row) => row.unique_id === placed.get('9000000001'))).toMatchObject({
			to_number: '+919000000001',
			status: 'completed',
			duration_sec: '30',
			reference_id: 'reconcile-9000000001',
		});
	});

	it('never stores the secret key outside the encrypted credential', async () => {
		const secret = stack.sandbox.apiSecret;
		const n8n = stack.n8n;
		const control = await n8n.searchDatabase([SANDBOX_CREDENTIAL.name]);
		expect(control.hits.map((hit) => hit.table)).toContain('credentials_entity');
		const { hits, cells } = await n8n.searchDatabase([secret]);
		expect(cells).toBeGreaterThan(100);
		expect(hits).toEqual([]);

		let checked = 0;
		for (const id of [OTP_ID, BLAST_ID, CSV_ID]) {
			const executions = await rest.listExecutions({ workflowId: id });
			expect(executions.length).toBeGreaterThan(0);
			for (const summary of executions) {
				expect(JSON.stringify(await rest.getExecution(summary.id))).not.toContain(secret);
				checked++;
			}
		}
		expect(checked).toBeGreaterThanOrEqual(6);
		expect(n8n.readLog()).not.toContain(secret);
		expect(searchFiles(n8n.userFolder, secret, (file) => file.endsWith('sandbox.log'))).toEqual([]);
		expect(searchFiles(filesRoot, secret)).toEqual([]);
	});
});

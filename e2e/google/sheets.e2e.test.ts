/**
 * examples/reconcile-calls-google-sheets.json in a real n8n 2.41.1, with n8n's own Google Sheets node
 * (v4.7, Append or Update Row matching on unique_id), against a local stand-in of Google (the Sheets
 * API v4 and the OAuth token endpoint, e2e/google/) reached the way a company proxy is reached: n8n
 * runs with HTTPS_PROXY pointing at a TLS-intercepting test proxy (mockttp), NODE_EXTRA_CA_CERTS
 * trusting its CA, and NO_PROXY keeping the sandbox direct. Nothing outside the test's folders changes.
 *
 * Driven as a user would: the Google service-account credential (a generated RSA key) is created with
 * the editor's REST call, the example is saved with that credential, the spreadsheet URL and the
 * sheet name filled in, and published; calls are placed by "the customer's own system" (the sandbox's
 * public API). The sandbox runs a manual clock, so a call ends when the test moves time on; the
 * trigger polls every 10 s instead of every minute (six custom poll times).
 *
 * - 30 calls with mixed outcomes (answered, no answer, busy, rejected, carrier failure, cancelled)
 *   become exactly 30 rows with the right status, end_reason and duration_sec; the header row and a
 *   column the user added by hand are kept;
 * - later polls add and change nothing;
 * - a write Google applied but answered 503 fails the execution; n8n is killed (by the pid this test
 *   started) and started again between two polls, and Executions › Retry sends the same calls to the
 *   sheet a second time: their rows are updated in place, none is added, the user's note stays;
 * - refusals: Google's own answers for an unknown spreadsheet, a bad range, a missing or unknown
 *   token, and n8n's for an unknown sheet name.
 */
import { createSign } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
	activateWorkflowCompat,
	deactivateWorkflowCompat,
	runWorkflowCompat,
} from '../lib/compat-rest';
import { withShortPolls, until } from '../lib/example-edits';
import { bootSuiteStack, stopSuiteStack } from '../lib/harness';
import type { WorkflowImport } from '../lib/n8n';
import { decodeExecutionData, nodeOutput, type N8nRest } from '../lib/n8n-rest';
import { log } from '../lib/proc';
import { SandboxControl, type SandboxCall } from '../lib/sandbox-control';
import { COMPAT_RUNTIMES, PINNED_RUNTIME } from '../lib/runtime';
import { loadExampleWorkflows, SANDBOX_CREDENTIAL, type Stack } from '../lib/stack';
import { workflowIssues } from '../lib/workflow-check';
import { TOKEN_URL, TokenEndpoint } from './auth';
import { GoogleStandInProcess } from './client';
import { SheetsApi } from './sheets';

/** E2E_GOOGLE_N8N=n8n-1.123.81 runs the same suite on that runtime (by hand, not in CI). */
const OTHER_N8N = process.env.E2E_GOOGLE_N8N;
const RUNTIME = OTHER_N8N ? COMPAT_RUNTIMES[OTHER_N8N] : PINNED_RUNTIME;
if (!RUNTIME)
	throw new Error(
		`E2E_GOOGLE_N8N=${OTHER_N8N}: not one of ${Object.keys(COMPAT_RUNTIMES).join(', ')}.`,
	);
const VERSION = RUNTIME.n8nVersion;
const LABEL = OTHER_N8N ? `google-sheets-${OTHER_N8N}` : 'google-sheets';
const EXAMPLE_ID = 'avExReconcileGsh';
const SPREADSHEET_ID = '1AgVoiceE2eCallsSheet_0123456789abcdefghij';
const SHEET = 'Calls';
const HEADER = [
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
];
/** A column the user added by hand, after the example's. */
const USER_COLUMN = 'notes';
const TEN_MINUTES = 10 * 60_000;

/** Five calls of each outcome; the answered ones talk for different times. */
const NUMBERS = [
	...['9000000001', '9000000007', '9000000008', '9812345678', '9812340001'],
	...Array(5).fill('9000000002'), // no answer
	...Array(5).fill('9000000003'), // busy
	...Array(5).fill('9000000004'), // rejected
	...Array(5).fill('9000000005'), // carrier failure
	...Array(5).fill('9000000009'), // cancelled
];
const COLUMNS = ['unique_id', 'to_number', 'status', 'end_reason', 'duration_sec'];

const byUniqueId = (a: { unique_id?: unknown }, b: { unique_id?: unknown }) =>
	String(a.unique_id).localeCompare(String(b.unique_id), 'en', { numeric: true });

describe(`reconcile into Google Sheets (n8n’s Google Sheets node, through a proxy) in a real n8n ${VERSION}`, () => {
	let google: GoogleStandInProcess;
	let stack: Stack;
	let rest: N8nRest;
	let sandbox: SandboxControl;
	let workDir: string;
	let workflowId: string;
	let credential: { id: string; name: string };
	const started = Date.now();
	const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;

	/** The sheet as a user sees it: header, then one object per data row. */
	const sheetRows = async () => {
		const [header, ...rows] = await google.displayed(SPREADSHEET_ID, SHEET);
		return {
			header,
			rows: rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? '']))),
		};
	};
	const pick = (row: Record<string, unknown>) =>
		Object.fromEntries(COLUMNS.map((key) => [key, String(row[key] ?? '')]));

	/** The example as a user fills it in the editor: credential, spreadsheet URL, sheet name. */
	function filledExample(options: { spreadsheetId?: string; sheet?: string } = {}): WorkflowImport {
		const example = loadExampleWorkflows().find((w) => w.id === EXAMPLE_ID);
		if (!example) throw new Error(`examples/ has no workflow ${EXAMPLE_ID}`);
		const copy = withShortPolls(example);
		const sheets = (copy.nodes as Array<Record<string, unknown>>).find(
			(node) => node.type === 'n8n-nodes-base.googleSheets',
		) as { parameters: Record<string, unknown>; credentials?: unknown };
		sheets.parameters.authentication = 'serviceAccount';
		sheets.parameters.documentId = {
			__rl: true,
			mode: 'url',
			value: `https://docs.google.com/spreadsheets/d/${options.spreadsheetId ?? SPREADSHEET_ID}/edit#gid=0`,
		};
		sheets.parameters.sheetName = { __rl: true, mode: 'name', value: options.sheet ?? SHEET };
		sheets.credentials = { googleApi: credential };
		return copy;
	}

	beforeAll(async () => {
		workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentive-voice-google-'));
		google = await GoogleStandInProcess.start(workDir);
		log(
			`e2e ${LABEL}: Google stand-in behind the proxy ${google.ready.proxy_url} (CA ${google.ready.ca_file})`,
		);
		// The spreadsheet as the user prepared it: the example's header row and a column of their own.
		await google.createSpreadsheet(
			SPREADSHEET_ID,
			'Agentive Voice calls',
			[SHEET, 'Summary'],
			[[...HEADER, USER_COLUMN]],
		);

		stack = await bootSuiteStack(LABEL, {
			seedCalls: 0,
			sandboxArgs: ['--manual-clock'],
			n8nEnv: google.n8nEnv,
			runtime: RUNTIME,
		});
		rest = stack.n8n.rest;
		sandbox = new SandboxControl(stack.sandbox);

		// Credentials › Create › Google Service Account API: the e-mail and key of the JSON key file.
		const account = await google.createServiceAccount('n8n-reconcile');
		const created = await rest.createCredential({
			name: 'Google Sheets (service account)',
			type: 'googleApi',
			data: { email: account.email, privateKey: account.privateKey, inpersonate: false },
		});
		credential = { id: created.id, name: created.name };
		const workflow = filledExample();
		const saved = await rest.createWorkflow({
			name: workflow.name as string,
			nodes: workflow.nodes as unknown[],
			connections: workflow.connections,
			settings: workflow.settings as Record<string, unknown> | undefined,
		});
		workflowId = saved.id;
		log(`e2e ${LABEL}: stack up, credential and workflow saved after ${elapsed()}`);
	});

	afterAll(async () => {
		await stopSuiteStack(stack, LABEL);
		const unmatched = google ? (await google.state()).unmatched : [];
		if (unmatched.length) log(`e2e ${LABEL}: requests the proxy refused: ${unmatched.join(', ')}`);
		await google?.stop();
		if (workDir && process.env.E2E_KEEP !== '1')
			fs.rmSync(workDir, { recursive: true, force: true });
		log(`e2e ${LABEL}: suite took ${elapsed()}`);
	});

	it('the filled example passes the editor’s checks and uses both credentials', async () => {
		const saved = await rest.getWorkflow(workflowId);
		expect(workflowIssues(saved as unknown as WorkflowImport, await rest.nodeTypes())).toEqual([]);
		const credentials = saved.nodes.map((node) => node.credentials).filter(Boolean);
		expect(credentials).toEqual([
			{ agentiveVoiceApi: { id: SANDBOX_CREDENTIAL.id, name: SANDBOX_CREDENTIAL.name } },
			{ googleApi: credential },
		]);
	});

	let placed: SandboxCall[] = [];
	let firstSnapshot: string[][] = [];

	it('30 calls with mixed outcomes become exactly 30 rows with their status, end reason and talk time', async () => {
		await sandbox.clearLog();
		await activateWorkflowCompat(rest, workflowId);
		await sandbox.untilPollDone(0, 30_000); // the baseline poll: it records, emits nothing

		const ids = new Set<string>();
		for (const [index, number] of NUMBERS.entries()) {
			const call = await sandbox.placeCall({
				type: 'audio_blast',
				number,
				audio_id: 12,
				reference_id: `sheet-${index + 1}`,
			});
			ids.add(call.unique_id);
		}
		await sandbox.advanceClock(TEN_MINUTES); // every call has ended (the longest after 305 s)
		placed = (await sandbox.calls()).filter((call) => ids.has(call.unique_id)).sort(byUniqueId);
		const mix: Record<string, number> = {};
		for (const call of placed) {
			const key = `${call.status}/${call.end_reason}`;
			mix[key] = (mix[key] ?? 0) + 1;
		}
		expect(mix).toEqual({
			'completed/completed': 5,
			'missed/no_answer': 5,
			'failed/busy': 5,
			'failed/rejected': 5,
			'failed/failed': 5,
			'failed/canceled': 5,
		});

		await until('30 rows in the sheet', 90_000, async () =>
			(await sheetRows()).rows.length >= 30 ? true : undefined,
		);
		log(`e2e ${LABEL}: 30 rows after ${elapsed()}`);
		// Let an execution that is still writing finish before reading the sheet.
		await sandbox.untilPollDone((await sandbox.log()).length, 30_000);
		const { header, rows } = await sheetRows();
		expect(header).toEqual([...HEADER, USER_COLUMN]);
		expect(rows).toHaveLength(30);
		expect(new Set(rows.map((row) => row.unique_id)).size).toBe(30);
		expect(rows.map(pick).sort(byUniqueId)).toEqual(
			placed.map((call) => pick(call as unknown as Record<string, unknown>)),
		);
		expect(rows[0]).toMatchObject({
			direction: 'outbound',
			from_number: '07965318581',
			reference_id: expect.stringMatching(/^sheet-\d+$/),
			created_at: expect.stringMatching(/\+05:30$/),
			[USER_COLUMN]: '',
		});
		// Every request went through the proxy with a token from the service account's signed JWT.
		const state = await google.state();
		expect(state.tokensIssued).toBeGreaterThan(0);
		expect(state.log.filter((entry) => entry.status !== 200)).toEqual([]);
		const executions = await rest.listExecutions({ workflowId });
		expect(executions.filter((e) => e.status !== 'success')).toEqual([]);
		firstSnapshot = await google.displayed(SPREADSHEET_ID, SHEET);
	});

	it('later polls add and change nothing', async () => {
		const executionsBefore = (await rest.listExecutions({ workflowId })).length;
		const requestsBefore = (await google.state()).log.length;
		await sandbox.untilPollDone((await sandbox.log()).length, 30_000);
		await sandbox.untilPollDone((await sandbox.log()).length, 30_000);
		expect(await google.displayed(SPREADSHEET_ID, SHEET)).toEqual(firstSnapshot);
		expect((await google.state()).log.length).toBe(requestsBefore);
		const executions = await rest.listExecutions({ workflowId });
		expect(executions).toHaveLength(executionsBefore);
		let emitted = 0;
		for (const summary of executions)
			emitted += nodeOutput(
				decodeExecutionData(await rest.getExecution(summary.id)),
				'Finished calls',
			).length;
		expect(emitted).toBe(30);
	});

	it('calls that reach the sheet twice (Google’s answer lost, n8n restarted, Executions › Retry) update their rows', async () => {
		// The user writes a note by hand on the first row.
		await google.editCell(SPREADSHEET_ID, SHEET, 1, HEADER.length, 'call back on Monday');
		const executionsBefore = (await rest.listExecutions({ workflowId })).length;

		// Google applies the next write but its answer is a 503: the execution fails.
		await google.failNextWrite();
		const again: string[] = [];
		for (const number of ['9812340002', '9000000002', '9000000003'])
			again.push(
				(await sandbox.placeCall({ type: 'audio_blast', number, audio_id: 12 })).unique_id,
			);
		await sandbox.advanceClock(TEN_MINUTES);
		const [failed] = await until('the failed execution', 60_000, async () => {
			const list = await rest.listExecutions({ workflowId });
			return list.length > executionsBefore && list[0].status === 'error' ? list : undefined;
		});
		const failedData = decodeExecutionData(await rest.getExecution(failed.id));
		expect(JSON.stringify(failedData.resultData.error)).toContain(
			'The service is currently unavailable.',
		);
		expect((await sheetRows()).rows).toHaveLength(33); // the rows were written all the same

		// n8n dies between two polls and starts again (SIGKILL to the process group it started).
		const pid = stack.n8n.pid;
		expect(pid).toEqual(expect.any(Number));
		process.kill(-(pid as number), 'SIGKILL');
		await stack.n8n.exited();
		await stack.n8n.stop();
		await stack.n8n.start();
		rest = stack.n8n.rest;
		await rest.ensureOwner(stack.owner);
		log(`e2e ${LABEL}: n8n restarted after ${elapsed()}`);

		// Executions › Retry (with the original workflow): the same three calls reach the sheet again.
		const logBefore = (await google.state()).log.length;
		const retry = await rest.request<{ id?: string; status?: string }>(
			'POST',
			`/rest/executions/${encodeURIComponent(failed.id)}/retry`,
			{ loadWorkflow: false },
		);
		const retried = await rest.waitForExecution(String(retry.id), 60_000);
		expect(retried.status).toBe('success');
		const retryRequests = (await google.state()).log.slice(logBefore);
		expect(retryRequests.filter((r) => r.status !== 200)).toEqual([]);
		const written = retryRequests.flatMap((r) => r.written);
		expect(written.length).toBeGreaterThan(0);
		// Only cell updates of rows 32–34 (the three calls): no appended row, no new dimension.
		for (const range of written) expect(range).toMatch(/^Calls![A-Z]+3[234]:[A-Z]+3[234]$/);

		const { header, rows } = await sheetRows();
		expect(header).toEqual([...HEADER, USER_COLUMN]);
		expect(rows).toHaveLength(33);
		expect(new Set(rows.map((row) => row.unique_id)).size).toBe(33);
		for (const id of again) expect(rows.filter((row) => row.unique_id === id)).toHaveLength(1);
		expect(rows[0][USER_COLUMN]).toBe('call back on Monday');
		const calls = new Map((await sandbox.calls()).map((call) => [call.unique_id, call]));
		for (const row of rows.filter((r) => again.includes(String(r.unique_id))))
			expect(pick(row)).toEqual(pick(calls.get(String(row.unique_id)) as never));

		// The next polls after the restart bring nothing new.
		await sandbox.untilPollDone((await sandbox.log()).length, 60_000);
		await sandbox.untilPollDone((await sandbox.log()).length, 30_000);
		expect((await sheetRows()).rows).toHaveLength(33);
		await deactivateWorkflowCompat(rest, workflowId);
	});

	it('an unknown spreadsheet fails the execution with Google’s answer; an unknown sheet with n8n’s', async () => {
		const manual = (options: { spreadsheetId?: string; sheet?: string }) => {
			const example = filledExample(options);
			const sheets = (example.nodes as Array<Record<string, unknown>>).find(
				(node) => node.type === 'n8n-nodes-base.googleSheets',
			) as Record<string, unknown>;
			return {
				name: `Refusal ${JSON.stringify(options)}`,
				nodes: [
					{
						id: 'b5f0c6a2-0000-4000-8000-000000000001',
						name: 'Run',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{ ...sheets, position: [300, 0] },
				],
				connections: { Run: { main: [[{ node: sheets.name, type: 'main', index: 0 }]] } },
			};
		};
		const errorOf = async (options: { spreadsheetId?: string; sheet?: string }) => {
			const saved = await rest.createWorkflow(manual(options));
			const execution = await runWorkflowCompat(rest, VERSION, saved.id, 'Run', 60_000);
			expect(execution.status).toBe('error');
			return JSON.stringify(decodeExecutionData(execution).resultData.error);
		};
		expect(await errorOf({ spreadsheetId: '1AgVoiceE2eNoSuchSpreadsheet_000000000000' })).toContain(
			'Requested entity was not found.',
		);
		expect(await errorOf({ sheet: 'Call log' })).toContain('Sheet with name Call log not found');
		expect((await sheetRows()).rows).toHaveLength(33);
	});

	it('the stand-in refuses what Google refuses, in Google’s error shapes', () => {
		// The same stand-in code, in this process (no proxy needed to check its answers).
		const tokens = new TokenEndpoint();
		const sheets = new SheetsApi(tokens);
		sheets.createSpreadsheet(SPREADSHEET_ID, 'Agentive Voice calls', [SHEET]);
		const valid = tokens.createServiceAccount('checks');
		const token = tokens.exchange(
			grant(valid.email, valid.privateKey, 'https://www.googleapis.com/auth/spreadsheets'),
		);
		expect(token.status).toBe(200);
		const bearer = `Bearer ${String(token.json.access_token)}`;
		const call = (auth: string | undefined, url: string, method = 'GET', body = '') =>
			sheets.handle(method, new URL(`https://sheets.googleapis.com${url}`), auth, body);
		const values = (range: string) =>
			`/v4/spreadsheets/${SPREADSHEET_ID}/values/${encodeURIComponent(range)}`;
		const error = (code: number, status: string, message: string) => ({
			status: code,
			json: { error: { code, status, message } },
		});

		expect(call(undefined, values('Calls!A1:B2'))).toMatchObject(
			error(401, 'UNAUTHENTICATED', expect.stringContaining('missing required authentication')),
		);
		expect(call('Bearer ya29.forged', values('Calls!A1:B2'))).toMatchObject(
			error(401, 'UNAUTHENTICATED', expect.stringContaining('invalid authentication credentials')),
		);
		expect(call(bearer, '/v4/spreadsheets/1NoSuchSpreadsheet0000000000000000/values/A1')).toEqual(
			error(404, 'NOT_FOUND', 'Requested entity was not found.'),
		);
		expect(call(bearer, values('Call log!A:Z'))).toEqual(
			error(400, 'INVALID_ARGUMENT', 'Unable to parse range: Call log!A:Z'),
		);
		expect(call(bearer, values('Calls!A1:B2:C3'))).toEqual(
			error(400, 'INVALID_ARGUMENT', 'Unable to parse range: Calls!A1:B2:C3'),
		);
		expect(call(bearer, values('Calls!A1:AZ1')).json).toMatchObject({
			error: { code: 400, message: expect.stringContaining('exceeds grid limits') },
		});
		expect(
			call(
				bearer,
				`${values('Calls!A40:B40')}?valueInputOption=RAW`,
				'PUT',
				'{"values":[[1],[2]]}',
			),
		).toEqual(
			error(
				400,
				'INVALID_ARGUMENT',
				'Requested writing within range [Calls!A40:B40], but tried writing to row [41]',
			),
		);
		// A JWT signed with another key than the account's: Google's OAuth error, no token.
		const other = tokens.createServiceAccount('other');
		expect(tokens.exchange(grant(valid.email, other.privateKey, 'x'))).toEqual({
			status: 400,
			json: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
		});
	});
});

/** The form body of a service account's token request: an RS256 JWT, as Google documents it. */
function grant(email: string, privateKey: string, scope: string): string {
	const now = Math.floor(Date.now() / 1000);
	const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: email, scope, aud: TOKEN_URL, iat: now, exp: now + 3600 })}`;
	const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url');
	return new URLSearchParams({
		grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
		assertion: `${unsigned}.${signature}`,
	}).toString();
}

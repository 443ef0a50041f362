/**
 * Reconcile into n8n's own data tables, and follow up on unanswered calls, in a real n8n 2.41.1 (one
 * n8n start for the file, one restart inside it), driven as a user would: the data tables are created
 * through the editor's REST API, workflows are published with its Publish call, and calls are placed by
 * "the customer's own system" (the sandbox's public API, demo keys). The sandbox runs a manual clock,
 * so a call ends when the test moves time on.
 *
 * - reconcile-calls-data-table.json: 30 calls with mixed outcomes become exactly 30 rows with the right
 *   status, end_reason and duration_sec; later polls add nothing; after n8n is killed (by the pid this
 *   test started) and started again, still exactly 30 rows;
 * - redial-unanswered.json: a number that never answers (no answer, busy) gets 3 calls, one that
 *   answers on the second call (a sandbox outcome script) gets 2, rejected / failed / completed get 1;
 *   every call is a row with its attempt and outcome, and the last row of each says how it ended;
 * - campaign-blast-from-list.json with the same numbers twice in different forms: one call per number;
 * - the three files pass the editor's checks (the examples suite checks them again with the others).
 *
 * Short polls: the copies imported here poll every 10 s (six "custom" poll times, each once a minute,
 * which n8n accepts), and the redial example's Settings node waits 2 s instead of 15 minutes. The Wait
 * node itself is imported as it is in the file.
 */
import axios from 'axios';
import { CALLS_TABLE, DataTables, REDIALS_TABLE, type DataTableRow } from '../lib/data-tables';
import { nodeOf, until, withShortPolls } from '../lib/example-edits';
import { bootSuiteStack, stopSuiteStack } from '../lib/harness';
import type { WorkflowImport } from '../lib/n8n';
import { decodeExecutionData, nodeOutput, type N8nRest } from '../lib/n8n-rest';
import { log, sleep } from '../lib/proc';
import { SandboxControl, type SandboxCall } from '../lib/sandbox-control';
import { loadExampleWorkflows, type Stack } from '../lib/stack';
import { workflowIssues } from '../lib/workflow-check';

const LABEL = 'reconcile';
const RECONCILE_ID = 'avExReconcileTbl';
const REDIAL_ID = 'avExRedialUnansw';
const BLAST_ID = 'avExCampaignList';
const TEN_MINUTES = 10 * 60_000;
const REDIAL_WAIT_SECONDS = 2;

/** The redial example as a user would tune it: the wait is a value of its Settings node. */
function withShortWait(workflow: WorkflowImport): WorkflowImport {
	const copy = structuredClone(workflow);
	const settings = nodeOf(copy, 'Settings').parameters.assignments as {
		assignments: Array<{ name: string; value: unknown }>;
	};
	const wait = settings.assignments.find((a) => a.name === 'redial_wait_seconds');
	if (!wait) throw new Error('Settings has no redial_wait_seconds');
	wait.value = REDIAL_WAIT_SECONDS;
	return copy;
}

/** The same four people, each written in two or three of the forms a merged list holds. */
const REPEATED_LIST = [
	'name,number',
	'Asha,9000030001',
	'Asha (again),+91 90000 30001',
	'Ravi,919000030002',
	'Ravi (office list),9000030002',
	'Meena,90000-30003',
	'Meena,+919000030003',
	'Meena,9000030003',
	'Kiran,9000030004',
	'',
].join('\n');

function withRepeatedNumbers(workflow: WorkflowImport): WorkflowImport {
	const copy = structuredClone(workflow);
	const numbers = nodeOf(copy, 'Numbers (CSV)').parameters.assignments as {
		assignments: Array<{ name: string; value: unknown }>;
	};
	numbers.assignments[0].value = REPEATED_LIST;
	return copy;
}

const pick = (row: Record<string, unknown>, keys: string[]) =>
	Object.fromEntries(keys.map((key) => [key, row[key]]));

describe('reconcile into a data table, and redial unanswered calls, in a real n8n', () => {
	const examples = loadExampleWorkflows();
	const byId = (id: string) => {
		const workflow = examples.find((w) => w.id === id);
		if (!workflow) throw new Error(`examples/ has no workflow ${id}`);
		return workflow;
	};
	let stack: Stack;
	let rest: N8nRest;
	let sandbox: SandboxControl;
	let tables: DataTables;
	const tableIds: Record<string, string> = {};
	const started = Date.now();
	const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;

	beforeAll(async () => {
		stack = await bootSuiteStack(LABEL, {
			seedCalls: 0,
			sandboxArgs: ['--manual-clock'],
			workflows: [
				withShortPolls(byId(RECONCILE_ID)),
				withShortWait(withShortPolls(byId(REDIAL_ID))),
				withRepeatedNumbers(byId(BLAST_ID)),
			],
		});
		rest = stack.n8n.rest;
		sandbox = new SandboxControl(stack.sandbox);
		tables = new DataTables(rest);
		for (const spec of [CALLS_TABLE, REDIALS_TABLE]) {
			const { table, created } = await tables.ensure(spec);
			expect(created).toBe(true);
			// The grid shows the columns in this order (n8n lists them by name, each with its index).
			const shown = [...table.columns].sort((a, b) => a.index - b.index);
			expect(shown.map((c) => [c.name, c.type])).toEqual(spec.columns.map((c) => [c.name, c.type]));
			tableIds[spec.name] = table.id;
		}
		log(`e2e ${LABEL}: stack up after ${elapsed()}`);
	});

	afterAll(async () => {
		await stopSuiteStack(stack, LABEL);
		log(`e2e ${LABEL}: suite took ${elapsed()}`);
	});

	const rowsOf = (name: string) => tables.rows(tableIds[name]);

	it('the example files pass the editor’s checks', async () => {
		const nodeTypes = await rest.nodeTypes();
		for (const id of [RECONCILE_ID, REDIAL_ID, BLAST_ID]) {
			expect({ id, issues: workflowIssues(byId(id), nodeTypes) }).toEqual({ id, issues: [] });
			expect((await rest.getWorkflow(id)).active).toBe(false);
		}
		// A second ensure finds the tables instead of creating them again (npm start on every run).
		expect((await tables.ensure(CALLS_TABLE)).created).toBe(false);
	});

	describe('reconcile-calls-data-table.json', () => {
		/** Six calls of each outcome; the answered ones talk for different times. */
		const NUMBERS = [
			...['9000000001', '9000000007', '9000000008', '9812345678', '9812340001', '9812340002'],
			...Array(6).fill('9000000002'), // no answer
			...Array(6).fill('9000000003'), // busy
			...Array(6).fill('9000000004'), // rejected
			...Array(6).fill('9000000005'), // carrier failure
		];
		let placed: SandboxCall[] = [];
		const COLUMNS = ['unique_id', 'to_number', 'status', 'end_reason', 'duration_sec'];

		async function expectRowsMatchCalls(): Promise<DataTableRow[]> {
			const rows = await rowsOf(CALLS_TABLE.name);
			expect(rows).toHaveLength(30);
			expect(new Set(rows.map((row) => row.unique_id)).size).toBe(30);
			expect(rows.map((row) => pick(row, COLUMNS)).sort(byUniqueId)).toEqual(
				placed.map((call) => pick(call as unknown as Record<string, unknown>, COLUMNS)),
			);
			return rows;
		}
		const byUniqueId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
			String(a.unique_id).localeCompare(String(b.unique_id), 'en', { numeric: true });

		it('30 calls with mixed outcomes become exactly 30 rows with their status, end reason and talk time', async () => {
			await sandbox.clearLog();
			await rest.activateWorkflow(RECONCILE_ID);
			await sandbox.untilPollDone(0, 30_000); // the baseline poll: it records, emits nothing

			const ids = new Set<string>();
			for (const [index, number] of NUMBERS.entries()) {
				const call = await sandbox.placeCall({
					type: 'audio_blast',
					number,
					audio_id: 12,
					reference_id: `reconcile-${index + 1}`,
				});
				ids.add(call.unique_id);
			}
			await sandbox.advanceClock(TEN_MINUTES); // every call has ended (the longest after 305 s)
			placed = (await sandbox.calls())
				.filter((call) => ids.has(call.unique_id))
				.sort((a, b) => byUniqueId(a as never, b as never));
			expect(placed).toHaveLength(30);
			const mix: Record<string, number> = {};
			for (const call of placed) {
				const key = `${call.status}/${call.end_reason}`;
				mix[key] = (mix[key] ?? 0) + 1;
			}
			expect(mix).toEqual({
				'completed/completed': 6,
				'missed/no_answer': 6,
				'failed/busy': 6,
				'failed/rejected': 6,
				'failed/failed': 6,
			});
			expect(placed.filter((c) => c.status === 'completed').map((c) => c.duration_sec)).toEqual([
				30, 20, 300, 38, 11, 12,
			]);

			await until('30 rows in the data table', 60_000, async () =>
				(await rowsOf(CALLS_TABLE.name)).length >= 30 ? true : undefined,
			);
			log(`e2e ${LABEL}: 30 rows after ${elapsed()}`);
			const rows = await expectRowsMatchCalls();
			expect(rows[0]).toMatchObject({
				direction: 'outbound',
				from_number: '07965318581',
				reference_id: expect.stringMatching(/^reconcile-\d+$/),
				campaign_id: expect.any(Number),
				created_at: expect.stringMatching(/\+05:30$/),
				recorded_at: expect.any(String),
			});
		});

		it('later polls add nothing', async () => {
			const seen = (await sandbox.log()).length;
			await sandbox.untilPollDone(seen, 30_000);
			await sandbox.untilPollDone((await sandbox.log()).length, 30_000);
			await expectRowsMatchCalls();
			const executions = await rest.listExecutions({ workflowId: RECONCILE_ID });
			expect(executions.filter((e) => e.status !== 'success')).toEqual([]);
			let emitted = 0;
			for (const summary of executions)
				emitted += nodeOutput(
					decodeExecutionData(await rest.getExecution(summary.id)),
					'Finished calls',
				).length;
			expect(emitted).toBe(30);
		});

		it('n8n killed and started again: still exactly 30 rows, updated in place', async () => {
			const before = await rowsOf(CALLS_TABLE.name);
			const pid = stack.n8n.pid;
			expect(pid).toEqual(expect.any(Number));
			// A crash, not a shutdown: SIGKILL to the process group of the n8n this suite started.
			process.kill(-(pid as number), 'SIGKILL');
			await stack.n8n.exited();
			await stack.n8n.stop();
			const seen = (await sandbox.log()).length;
			await stack.n8n.start();
			rest = stack.n8n.rest;
			await rest.ensureOwner(stack.owner);
			tables = new DataTables(rest);
			log(`e2e ${LABEL}: n8n restarted after ${elapsed()}`);
			// The published workflow polls again on its own: once at start-up, then every 10 s.
			await sandbox.untilPollDone(seen, 60_000);
			await sandbox.untilPollDone((await sandbox.log()).length, 30_000);
			const after = await expectRowsMatchCalls();
			expect(after.map((row) => [row.id, row.unique_id])).toEqual(
				before.map((row) => [row.id, row.unique_id]),
			);
			await rest.deactivateWorkflow(RECONCILE_ID);
		});
	});

	describe('redial-unanswered.json', () => {
		const SECOND_TIME = '9812300002'; // scripted: no answer, then answers
		const EXPECTED: Record<string, { calls: number; outcomes: string[] }> = {
			'9000000002': {
				calls: 3,
				outcomes: ['redialled', 'redialled', 'no answer after 3 calls'],
			},
			'9000000003': { calls: 3, outcomes: ['redialled', 'redialled', 'busy after 3 calls'] },
			[SECOND_TIME]: { calls: 2, outcomes: ['redialled', 'answered'] },
			'9000000004': { calls: 1, outcomes: ['rejected (not redialled)'] },
			'9000000005': { calls: 1, outcomes: ['failed (not redialled)'] },
			'9812300001': { calls: 1, outcomes: ['answered'] },
		};
		const numbers = Object.keys(EXPECTED);
		const totalCalls = numbers.reduce((sum, n) => sum + EXPECTED[n].calls, 0);
		const callsOfThisTest = async () =>
			(await sandbox.calls()).filter((call) => String(call.reference_id).startsWith('first-'));

		it('no answer or busy: called again twice; answered on the second call: once; the rest never', async () => {
			await axios.post(`${stack.sandbox.origin}/__sandbox/outcomes`, {
				number: SECOND_TIME,
				outcomes: ['no_answer', 'answered'],
			});
			await sandbox.clearLog();
			await rest.activateWorkflow(REDIAL_ID);
			await sandbox.untilPollDone(0, 30_000);

			for (const number of numbers)
				await sandbox.placeCall({
					type: 'audio_blast',
					number,
					audio_id: 12,
					reference_id: `first-${number}`,
				});
			// Each time redials appear, let them ring out; stop once every row has its final outcome.
			let ended = 0;
			await until(`${totalCalls} calls and their rows`, 150_000, async () => {
				const calls = await callsOfThisTest();
				if (calls.length > ended) {
					ended = calls.length;
					await sandbox.advanceClock(TEN_MINUTES);
				}
				const rows = await rowsOf(REDIALS_TABLE.name);
				return rows.length === totalCalls &&
					!rows.some((row) => row.outcome === 'redialled' && !nextAttemptOf(rows, row))
					? true
					: undefined;
			});
			log(`e2e ${LABEL}: redials done after ${elapsed()}`);
			// A poll and more than a redial wait later, nothing else was dialled.
			await sandbox.untilPollDone((await sandbox.log()).length, 30_000);
			await sleep(REDIAL_WAIT_SECONDS * 1000 + 2000);
			await sandbox.untilPollDone((await sandbox.log()).length, 30_000);
			await rest.deactivateWorkflow(REDIAL_ID);

			const calls = await callsOfThisTest();
			const perNumber = Object.fromEntries(
				numbers.map((n) => [n, calls.filter((c) => c.to_number === `+91${n}`).length]),
			);
			expect(perNumber).toEqual(Object.fromEntries(numbers.map((n) => [n, EXPECTED[n].calls])));
			// Same clip, and the attempt in the reference: first-<number>-redial-1, -redial-2.
			const requests = (await sandbox.log()).filter(
				(entry) => entry.method === 'POST' && entry.path === '/calls',
			);
			for (const request of requests)
				expect(request.body).toMatchObject({ type: 'audio_blast', audio_id: 12 });
			expect(calls.map((c) => c.reference_id).sort()).toEqual(
				numbers
					.flatMap((n) =>
						Array.from({ length: EXPECTED[n].calls }, (_, i) =>
							i === 0 ? `first-${n}` : `first-${n}-redial-${i}`,
						),
					)
					.sort(),
			);

			const rows = await rowsOf(REDIALS_TABLE.name);
			expect(rows).toHaveLength(totalCalls);
			expect(new Set(rows.map((row) => row.unique_id))).toEqual(
				new Set(calls.map((c) => c.unique_id)),
			);
			for (const number of numbers) {
				const chain = rows
					.filter((row) => row.to_number === `+91${number}`)
					.sort((a, b) => Number(a.attempt) - Number(b.attempt));
				expect({
					number,
					attempts: chain.map((row) => row.attempt),
					first: chain.map((row) => row.first_reference),
					outcomes: chain.map((row) => row.outcome),
				}).toEqual({
					number,
					attempts: EXPECTED[number].outcomes.map((_, i) => i + 1),
					first: EXPECTED[number].outcomes.map(() => `first-${number}`),
					outcomes: EXPECTED[number].outcomes,
				});
			}
			const answeredLate = rows.find(
				(row) => row.to_number === `+91${SECOND_TIME}` && row.attempt === 2,
			);
			expect(answeredLate).toMatchObject({ status: 'completed', end_reason: 'completed' });
			const executions = await rest.listExecutions({ workflowId: REDIAL_ID });
			expect(executions.filter((e) => e.status !== 'success')).toEqual([]);
		});

		/** The row of the redial placed after `row`, once it has arrived. */
		function nextAttemptOf(rows: DataTableRow[], row: DataTableRow): DataTableRow | undefined {
			return rows.find(
				(other) =>
					other.first_reference === row.first_reference &&
					other.attempt === Number(row.attempt) + 1,
			);
		}
	});

	it('campaign-blast-from-list.json: the same numbers in different forms are called once each', async () => {
		const execution = await rest.runWorkflow(BLAST_ID, { timeoutMs: 60_000 });
		const runData = decodeExecutionData(execution);
		expect({ status: execution.status, error: runData.resultData.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		expect(nodeOutput(runData, 'One item per row')).toHaveLength(8);
		expect(nodeOutput(runData, 'Drop repeated numbers').map((item) => item.number)).toEqual([
			'9000030001',
			'919000030002',
			'90000-30003',
			'9000030004',
		]);
		const triggered = nodeOutput(runData, 'Trigger campaign 57');
		expect(triggered.map((item) => item.details)).toEqual(Array(4).fill('Call queued.'));
		const calls = (await sandbox.calls()).filter((call) =>
			call.to_number.startsWith('+9190000300'),
		);
		expect(calls.map((call) => call.to_number).sort()).toEqual([
			'+919000030001',
			'+919000030002',
			'+919000030003',
			'+919000030004',
		]);
	});
});

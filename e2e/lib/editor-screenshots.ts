/**
 * The README screenshots: each scene sets up the n8n editor (in a logged-in page) and captures one PNG.
 * Scenes that need a workflow of their own create it through the REST API first; the stack they run
 * against is a throwaway one (see scripts/screenshots.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { aiAgentChatScene } from './ai-agent-scene';
import { closeToasts, dismissPopups } from './browser';
import { CALLS_TABLE, DataTables, RECONCILE_TABLE_WORKFLOW_ID } from './data-tables';
import type { N8nRest } from './n8n-rest';
import { EXAMPLES_DIR, NODE_TYPES } from './paths';
import { sleep } from './proc';
import type { SandboxHandle } from './sandbox';
import { SandboxControl } from './sandbox-control';
import { SANDBOX_CREDENTIAL } from './stack';

export const VIEWPORT = { width: 1440, height: 900 } as const;

export interface SceneContext {
	page: Page;
	rest: N8nRest;
	baseUrl: string;
	outDir: string;
	/** The stack's sandbox (scenes that place calls). */
	sandbox?: SandboxHandle;
}

export interface Scene {
	file: string;
	what: string;
	capture(ctx: SceneContext): Promise<void>;
}

type Clip = { x: number; y: number; width: number; height: number };

const credentials = {
	agentiveVoiceApi: { id: SANDBOX_CREDENTIAL.id, name: SANDBOX_CREDENTIAL.name },
};

const manualTrigger = {
	id: 'b1d7a0c2-0000-4000-8000-000000000001',
	name: 'When clicking ‘Execute workflow’',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const triggerNode = {
	id: 'b1d7a0c2-0000-4000-8000-000000000002',
	name: 'Agentive Voice Trigger',
	type: NODE_TYPES.trigger,
	typeVersion: 1,
	position: [0, 0],
	parameters: {
		pollTimes: { item: [{ mode: 'everyMinute' }] },
		events: ['completed', 'failed', 'missed'],
		filters: { direction: 'outbound' },
		options: { lookbackMinutes: 120 },
	},
	credentials,
};

const placeCallNode = {
	id: 'b1d7a0c2-0000-4000-8000-000000000003',
	name: 'Place a Call',
	type: NODE_TYPES.action,
	typeVersion: 1,
	position: [240, 0],
	parameters: {
		resource: 'call',
		operation: 'place',
		callType: 'press1',
		number: '9812345678',
		audioId: 25,
		keypadActions: { mapping: [{ digit: '1', action: 'connect_agent' }] },
		referenceId: 'renewal-1042',
	},
	credentials,
};

async function createWorkflow(
	rest: N8nRest,
	name: string,
	nodes: object[],
	connections: object = {},
): Promise<string> {
	const created = await rest.request<{ id: string }>('POST', '/rest/workflows', {
		name,
		nodes,
		connections,
		active: false,
		settings: { executionOrder: 'v1' },
	});
	return created.id;
}

/** Open a workflow on the canvas and wait until its nodes are drawn. */
async function openWorkflow(page: Page, baseUrl: string, id: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${id}`);
	await page.getByTestId('canvas-node').first().waitFor({ timeout: 60_000 });
	await settle(page);
	await dismissPopups(page);
	// A published workflow opens with the "Production Checklist" popover on the first visit.
	const checklist = page.getByText('Production Checklist', { exact: true });
	if (await checklist.isVisible().catch(() => false)) {
		await page.keyboard.press('Escape');
		await checklist.waitFor({ state: 'hidden', timeout: 5000 });
	}
}

/** Let transitions and lazy rendering finish. */
async function settle(page: Page, ms = 800): Promise<void> {
	await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
	await page.waitForTimeout(ms);
}

async function shoot(ctx: SceneContext, file: string, clip?: Clip): Promise<void> {
	await settle(ctx.page, 400);
	await ctx.page.screenshot({ path: path.join(ctx.outDir, file), clip, animations: 'disabled' });
}

/** Open the node creator ("+"), type `text` into its search and return our entry. */
async function searchNodeCreator(page: Page, text: string): Promise<Locator> {
	await page.getByTestId('node-creator-plus-button').click();
	const search = page.getByTestId('node-creator-search-bar');
	await search.waitFor();
	await search.fill(text);
	const item = page
		.getByTestId('node-creator-item-name')
		.getByText('Agentive Voice', { exact: true });
	await item.first().waitFor();
	return item.first();
}

async function openNodeDetails(page: Page, nodeName: string): Promise<void> {
	await page.getByTestId('canvas-node').filter({ hasText: nodeName }).first().dblclick();
	await page.getByTestId('ndv').waitFor();
	await settle(page);
}

/** Press the panel's run button, wait for its output (the sandbox answers) and show it as JSON. */
async function runFromNodeDetails(
	page: Page,
	button: 'Execute step' | 'Fetch Test Event',
): Promise<void> {
	await page.getByTestId('ndv').getByRole('button', { name: button }).first().click();
	const output = page.getByTestId('output-panel');
	await output.getByTestId('node-run-status-success').waitFor({ timeout: 60_000 });
	await output.getByTestId('ndv-data-container').waitFor();
	await output.getByTestId('radio-button-json').click();
	await settle(page);
	await closeToasts(page);
	await page.mouse.move(5, 5); // over the backdrop: no hover effects in the panels
}

/** The OTP example's id: from examples/voice-otp-signup.json, or found by name. */
async function otpWorkflowId(rest: N8nRest): Promise<string> {
	const file = path.join(EXAMPLES_DIR, 'voice-otp-signup.json');
	if (!fs.existsSync(file))
		throw new Error(`${path.relative(process.cwd(), file)} does not exist (yet).`);
	const example = JSON.parse(fs.readFileSync(file, 'utf8')) as { id?: string; name: string };
	if (example.id) return example.id;
	const list = await rest.request<Array<{ id: string; name: string }>>('GET', '/rest/workflows');
	const found = list.find((workflow) => workflow.name === example.name);
	if (!found) throw new Error(`The OTP example "${example.name}" was not imported into n8n.`);
	return found.id;
}

/** The id of an example workflow file (examples/<file>). */
function exampleId(file: string): string {
	const example = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as {
		id?: string;
	};
	if (!example.id) throw new Error(`examples/${file} has no id.`);
	return example.id;
}

/** Calls a newcomer might place to try the reconcile example: one of each outcome, and two more answered. */
const RECONCILE_DEMO_CALLS = [
	['9000000001', 'order-1041'],
	['9812345678', 'order-1042'],
	['9000000002', 'order-1043'],
	['9000000003', 'order-1044'],
	['9000000004', 'order-1045'],
	['9000000005', 'order-1046'],
	['9000000009', 'order-1047'],
	['9876543210', 'order-1048'],
] as const;

/**
 * The reconcile example as under `npm start`: published, calls placed through the API, the sandbox
 * clock moved past their end, then the table's grid once a poll has written every row.
 */
async function reconcileDataTableScene(ctx: SceneContext, file: string): Promise<void> {
	if (!ctx.sandbox) throw new Error('This scene needs the stack’s sandbox.');
	const sandbox = new SandboxControl(ctx.sandbox);
	const tables = new DataTables(ctx.rest);
	const { table } = await tables.ensure(CALLS_TABLE);
	const workflowId = exampleId('reconcile-calls-data-table.json');
	if (workflowId !== RECONCILE_TABLE_WORKFLOW_ID)
		throw new Error(
			`The reconcile example's id is ${workflowId}, not ${RECONCILE_TABLE_WORKFLOW_ID}.`,
		);
	if (!(await ctx.rest.getWorkflow(workflowId)).active) {
		await sandbox.clearLog();
		await ctx.rest.activateWorkflow(workflowId);
		await sandbox.untilPollDone(0, 60_000); // the first poll only records what exists
	}
	for (const [number, reference] of RECONCILE_DEMO_CALLS)
		await sandbox.placeCall({ type: 'audio_blast', number, audio_id: 12, reference_id: reference });
	await sandbox.advanceClock(5 * 60_000);
	const deadline = Date.now() + 150_000; // the trigger polls once a minute
	while ((await tables.rows(table.id)).length < RECONCILE_DEMO_CALLS.length) {
		if (Date.now() > deadline)
			throw new Error(
				`The reconcile example did not write ${RECONCILE_DEMO_CALLS.length} rows in time.`,
			);
		await sleep(2000);
	}
	const projectId = await tables.personalProjectId();
	// Wide enough for the columns up to created_at; the rest of the row is a scroll away.
	await ctx.page.setViewportSize(GRID_VIEWPORT);
	try {
		await ctx.page.goto(`${ctx.baseUrl}/projects/${projectId}/datatables/${table.id}`);
		await ctx.page.getByTestId('data-table-grid').waitFor({ timeout: 60_000 });
		await ctx.page
			.locator('.ag-row')
			.nth(RECONCILE_DEMO_CALLS.length - 1)
			.waitFor();
		await settle(ctx.page);
		await dismissPopups(ctx.page);
		await ctx.page.mouse.move(GRID_VIEWPORT.width - 1, GRID_VIEWPORT.height - 1);
		await shoot(ctx, file, { x: 0, y: 0, width: GRID_VIEWPORT.width, height: 470 });
	} finally {
		await ctx.page.setViewportSize(VIEWPORT);
	}
}

const GRID_VIEWPORT = { width: 1920, height: 900 } as const;

export const SCENES: Scene[] = [
	{
		file: 'node-panel.png',
		what: 'the nodes panel searched for "Agentive": Agentive Voice (actions and trigger in one entry)',
		async capture(ctx) {
			const id = await createWorkflow(ctx.rest, 'My workflow', [manualTrigger]);
			await openWorkflow(ctx.page, ctx.baseUrl, id);
			const item = await searchNodeCreator(ctx.page, 'Agentive');
			await item.hover();
			await shoot(ctx, this.file, { x: 560, y: 0, width: 880, height: 600 });
		},
	},
	{
		file: 'operations.png',
		what: "the node's actions in the nodes panel: 9 actions by resource, and its triggers",
		async capture(ctx) {
			const id = await createWorkflow(ctx.rest, 'My workflow', [manualTrigger]);
			await openWorkflow(ctx.page, ctx.baseUrl, id);
			const item = await searchNodeCreator(ctx.page, 'Agentive');
			await item.click();
			await ctx.page
				.getByTestId('node-creator-item-name')
				.getByText('Place a call', { exact: true })
				.waitFor();
			await ctx.page.mouse.move(0, VIEWPORT.height - 1); // no hover highlight
			await shoot(ctx, this.file, { x: 560, y: 0, width: 880, height: VIEWPORT.height });
		},
	},
	{
		file: 'otp-workflow.png',
		what: 'the example workflow examples/voice-otp-signup.json on the canvas',
		async capture(ctx) {
			await openWorkflow(ctx.page, ctx.baseUrl, await otpWorkflowId(ctx.rest));
			await ctx.page.getByTestId('zoom-to-fit').click();
			await ctx.page.mouse.move(VIEWPORT.width - 1, VIEWPORT.height / 2);
			await shoot(ctx, this.file);
		},
	},
	{
		file: 'trigger-parameters.png',
		what: 'the Agentive Voice Trigger node open: Events, Filters and Options',
		async capture(ctx) {
			const id = await createWorkflow(ctx.rest, 'When a call finishes', [triggerNode]);
			await openWorkflow(ctx.page, ctx.baseUrl, id);
			await openNodeDetails(ctx.page, triggerNode.name);
			await runFromNodeDetails(ctx.page, 'Fetch Test Event');
			await shoot(ctx, this.file);
		},
	},
	{
		file: 'place-call.png',
		what: 'the Agentive Voice node open on Call > Place (a press-1 call)',
		async capture(ctx) {
			const id = await createWorkflow(
				ctx.rest,
				'Renewal reminder call',
				[manualTrigger, placeCallNode],
				{
					[manualTrigger.name]: { main: [[{ node: placeCallNode.name, type: 'main', index: 0 }]] },
				},
			);
			await openWorkflow(ctx.page, ctx.baseUrl, id);
			await openNodeDetails(ctx.page, placeCallNode.name);
			await runFromNodeDetails(ctx.page, 'Execute step');
			await shoot(ctx, this.file);
		},
	},
	aiAgentChatScene,
	{
		file: 'reconcile-data-table.png',
		what: 'the data table "Agentive Voice calls" filled by examples/reconcile-calls-data-table.json',
		async capture(ctx) {
			await reconcileDataTableScene(ctx, this.file);
		},
	},
	{
		file: 'redial-workflow.png',
		what: 'the example workflow examples/redial-unanswered.json on the canvas',
		async capture(ctx) {
			await openWorkflow(ctx.page, ctx.baseUrl, exampleId('redial-unanswered.json'));
			await ctx.page.getByTestId('zoom-to-fit').click();
			await ctx.page.mouse.move(VIEWPORT.width - 1, VIEWPORT.height / 2);
			await shoot(ctx, this.file);
		},
	},
];

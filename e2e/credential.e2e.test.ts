/**
 * Real n8n 2.41.1 with the packed package installed as a community package:
 * - both node types and the credential type are loaded, without load errors in n8n's log;
 * - the credential's "Test" (n8n's own credential-test endpoint) passes against the sandbox and fails
 *   with a wrong secret;
 * - after a workflow has used the credential, the secret appears nowhere in n8n's database, execution
 *   data, log or user folder (only the encrypted credential holds it).
 */
import type { WorkflowImport } from './lib/n8n';
import { decodeExecutionData, nodeOutput } from './lib/n8n-rest';
import { CREDENTIAL_TYPE, NODE_TYPES, PACKAGE_NAME } from './lib/paths';
import { bootSuiteStack, searchFiles, stopSuiteStack } from './lib/harness';
import { SANDBOX_CREDENTIAL, packageLoadProblems, type Stack } from './lib/stack';

const BALANCE_WORKFLOW: WorkflowImport = {
	id: 'e2eGetBalance001',
	name: 'e2e: Get Balance',
	nodes: [
		{
			id: '7d2f0c8e-1b0a-4b8e-9a51-2f4f3c1e0a01',
			name: 'Run',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: '7d2f0c8e-1b0a-4b8e-9a51-2f4f3c1e0a02',
			name: 'Get Balance',
			type: NODE_TYPES.action,
			typeVersion: 1,
			position: [220, 0],
			parameters: { resource: 'account', operation: 'getBalance' },
			credentials: {
				[CREDENTIAL_TYPE]: { id: SANDBOX_CREDENTIAL.id, name: SANDBOX_CREDENTIAL.name },
			},
		},
	],
	connections: { Run: { main: [[{ node: 'Get Balance', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

describe(`n8n with ${PACKAGE_NAME} installed as a community package`, () => {
	let stack: Stack;

	beforeAll(async () => {
		stack = await bootSuiteStack('credential', { workflows: [BALANCE_WORKFLOW] });
	});

	afterAll(async () => {
		await stopSuiteStack(stack, 'credential');
	});

	it('loads our node types and credential type without load errors', async () => {
		const nodeTypes = await stack.n8n.rest.nodeTypes();
		const names = nodeTypes.map((type) => type.name);
		expect(names).toEqual(expect.arrayContaining([NODE_TYPES.action, NODE_TYPES.trigger]));
		const action = nodeTypes.find((type) => type.name === NODE_TYPES.action);
		expect(action?.credentials?.map((c) => c.name)).toContain(CREDENTIAL_TYPE);

		const credentialTypes = await stack.n8n.rest.credentialTypes();
		expect(credentialTypes.map((type) => type.name)).toContain(CREDENTIAL_TYPE);

		expect(packageLoadProblems(stack.n8n.readLog())).toEqual([]);
	});

	it('shows the credential to the editor with the secret redacted', async () => {
		const credential = await stack.n8n.rest.getCredential(SANDBOX_CREDENTIAL.id, true);
		expect(credential).toMatchObject({ name: SANDBOX_CREDENTIAL.name, type: CREDENTIAL_TYPE });
		expect(credential.data?.publishableKey).toBe(stack.sandbox.apiKey);
		expect(credential.data?.baseUrl).toBe(stack.sandbox.url);
		expect(JSON.stringify(credential)).not.toContain(stack.sandbox.apiSecret);
	});

	it('credential Test succeeds against the sandbox', async () => {
		const result = await stack.n8n.rest.testCredential(SANDBOX_CREDENTIAL.id);
		expect(result).toMatchObject({ status: 'OK' });
	});

	it('credential Test fails with a wrong secret key', async () => {
		const wrong = `sk_live_${'0'.repeat(stack.sandbox.apiSecret.length - 'sk_live_'.length - 5)}wrong`;
		const result = await stack.n8n.rest.testCredential(SANDBOX_CREDENTIAL.id, { secretKey: wrong });
		expect(result.status).toBe('Error');
		expect(result.message).not.toContain(wrong);
	});

	it('credential Test fails when the base URL does not answer', async () => {
		const result = await stack.n8n.rest.testCredential(SANDBOX_CREDENTIAL.id, {
			baseUrl: 'http://127.0.0.1:9/api/public/v1',
		});
		expect(result.status).toBe('Error');
	});

	it('credential Test refuses an http:// Base URL to another host before any request', async () => {
		// .invalid never resolves: had a request been tried, the message would be a DNS error.
		const result = await stack.n8n.rest.testCredential(SANDBOX_CREDENTIAL.id, {
			baseUrl: 'http://agentive-voice.invalid/api/public/v1',
		});
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Base URL must start with https://');
		expect(result.message).not.toContain(stack.sandbox.apiSecret);
		const loopback = await stack.n8n.rest.testCredential(SANDBOX_CREDENTIAL.id, {
			baseUrl: stack.sandbox.url.replace('127.0.0.1', 'localhost'),
		});
		expect(loopback.message).not.toContain('Base URL must start with https://');
	});

	it('runs a workflow that uses the credential (Get Balance)', async () => {
		const execution = await stack.n8n.rest.runWorkflow(BALANCE_WORKFLOW.id as string);
		const runData = decodeExecutionData(execution);
		expect({ status: execution.status, error: runData.resultData.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		const [balance] = nodeOutput(runData, 'Get Balance');
		expect(balance).toEqual({ balance_inr: expect.any(Number), currency: 'INR' });
	});

	it('never stores the secret key outside the encrypted credential', async () => {
		const secret = stack.sandbox.apiSecret;
		const n8n = stack.n8n;

		// Control: the search does find what is stored in clear text.
		const control = await n8n.searchDatabase([SANDBOX_CREDENTIAL.name, stack.sandbox.apiKey]);
		expect(control.hits.map((hit) => hit.table)).toContain('credentials_entity');

		const { hits, cells } = await n8n.searchDatabase([secret]);
		expect(cells).toBeGreaterThan(100);
		expect(hits).toEqual([]);

		// The stored credential is encrypted: the row exists, but neither key is readable in it.
		const [row] = await n8n.query<{ data: string }>(
			'SELECT data FROM credentials_entity WHERE id = ?',
			[SANDBOX_CREDENTIAL.id],
		);
		expect(row.data.length).toBeGreaterThan(20);
		expect(row.data).not.toContain(secret);
		expect(row.data).not.toContain(stack.sandbox.apiKey);

		// Execution data as the editor receives it.
		const executions = await n8n.rest.listExecutions({ workflowId: BALANCE_WORKFLOW.id });
		expect(executions.length).toBeGreaterThan(0);
		for (const summary of executions) {
			const execution = await n8n.rest.getExecution(summary.id);
			expect(JSON.stringify(execution)).not.toContain(secret);
		}

		// n8n's log, event log, config and everything else in its user folder (the sandbox's own log excluded).
		expect(n8n.readLog()).not.toContain(secret);
		expect(searchFiles(n8n.userFolder, secret, (file) => file.endsWith('sandbox.log'))).toEqual([]);
	});
});

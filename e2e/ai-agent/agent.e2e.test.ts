/**
 * The action node as an AI-agent tool in a real n8n 2.41.1 AI Agent: examples/ai-phone-verification-agent.json
 * imported as `npm start` imports it, the scripted model server behind n8n's OpenAI Chat Model (Responses
 * API, the node's default from version 1.3; one variant with it off uses Chat Completions), and a visitor
 * who chats through the Chat Trigger's public chat URL (the requests the hosted chat page makes).
 *
 * - two chat turns verify a number: one verification call, one verify attempt with the code the sandbox
 *   spoke, and the agent's answer says verified;
 * - a wrong code first: the tool result says so with attempts_left, the next call with the right code verifies;
 * - a malformed number: the tool result is our validation message, the sandbox gets no request, and the
 *   execution succeeds (n8n 2.41.1 hands a tool node's error message to the model as its result);
 * - the tool definitions n8n sent name our operations and describe their parameters;
 * - the demo model `npm start` runs verifies in two turns too;
 * - Send Code called twice for one number in one turn (two tool calls in one model response, and in two
 *   consecutive responses): the sandbox gets one verification call, and the second tool result is the
 *   first request (same request_id, `sentEarlierInExecution: true`) (issue 17);
 * - the sandbox's secret key appears in none of the requests the model server received.
 */
import * as http from 'node:http';
import axios from 'axios';
import {
	bootAgentStack,
	ChatClient,
	chatWebhookId,
	AGENT_WORKFLOW_ID,
	type AgentStack,
} from '../lib/ai-agent';
import type { WorkflowImport } from '../lib/n8n';
import {
	decodeExecutionData,
	type ExecutionDetail,
	type NodeTypeDescription,
} from '../lib/n8n-rest';
import { NODE_TYPES } from '../lib/paths';
import { SandboxControl, type SandboxLogEntry } from '../lib/sandbox-control';
import { loadExampleWorkflows } from '../lib/stack';
import { workflowIssues } from '../lib/workflow-check';
import { demoResponder } from '../model-server/demo';
import {
	firstItem,
	lastUserText,
	pendingToolResult,
	scripted,
	text,
	toolCall,
	toolResults,
	type Step,
} from '../model-server/script';
import type { ModelRequest, RecordedRequest, ToolDefinition } from '../model-server/types';

const LABEL = 'ai-agent';

// No keep-alive for this file's REST and sandbox clients: on this loaded machine a reused idle socket was
// sometimes closed by the server at the same moment ("socket hang up").
axios.defaults.httpAgent = new http.Agent({ keepAlive: false });
/** The same agent with the model node's "Use Responses API" off: n8n then calls Chat Completions. */
const CHAT_COMPLETIONS_ID = 'avExAiAgentChatC';

const NUMBER_ERROR =
	'Invalid Number "12345": expected an Indian mobile number such as 9812345678, 919812345678 or +919812345678 (spaces and dashes are ignored)';

function wrongCode(code: string): string {
	return code
		.split('')
		.map((digit) => String((Number(digit) + 1) % 10))
		.join('');
}

/** The request_id of the last Send_Code result in the conversation (n8n's memory keeps tool results). */
function sentRequestId(request: ModelRequest): string {
	const ids = toolResults(request)
		.filter((result) => result.call.name === 'Send_Code')
		.map((result) => firstItem(result)?.request_id);
	const id = ids[ids.length - 1];
	if (typeof id !== 'string')
		throw new Error('No Send_Code result with a request_id in the conversation.');
	return id;
}

/** The model repeats what the last tool answered (so the chat reply shows the tool result). */
const sayToolResult: Step = (request) =>
	text(`Tool result: ${pendingToolResult(request)?.content ?? '(none)'}`);

function chatCompletionsVariant(example: WorkflowImport): WorkflowImport {
	const copy = JSON.parse(JSON.stringify(example)) as WorkflowImport;
	copy.id = CHAT_COMPLETIONS_ID;
	copy.name = `${example.name} (Chat Completions)`;
	for (const node of copy.nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.chatTrigger')
			node.webhookId = '7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi')
			(node.parameters as Record<string, unknown>).responsesApiEnabled = false;
	}
	return copy;
}

describe('the Agentive Voice node as a tool of a real n8n AI Agent', () => {
	const example = loadExampleWorkflows().find(
		(workflow) => workflow.id === AGENT_WORKFLOW_ID,
	) as WorkflowImport;
	const variant = chatCompletionsVariant(example);
	let agent: AgentStack;
	let sandbox: SandboxControl;

	beforeAll(async () => {
		expect(example).toBeDefined();
		agent = await bootAgentStack(LABEL, [example, variant], scripted([]));
		sandbox = new SandboxControl(agent.stack.sandbox);
	}, 900_000);

	afterAll(async () => {
		await agent?.stop();
	});

	/** Index of the first model-server request of the current test (the record keeps every test's requests). */
	let mark = 0;

	/** A fresh chat session, an empty sandbox log, and the model's script for it. */
	async function newConversation(
		steps: Step[],
		workflow: WorkflowImport = example,
	): Promise<{ chat: ChatClient; script: ReturnType<typeof scripted> }> {
		await sandbox.clearLog();
		mark = agent.model.requests.length;
		const script = scripted(steps);
		agent.model.setResponder(script);
		return { chat: new ChatClient(agent.stack.n8n.baseUrl, chatWebhookId(workflow)), script };
	}

	async function latestExecution(workflowId = AGENT_WORKFLOW_ID): Promise<ExecutionDetail> {
		const [newest] = (await agent.stack.n8n.rest.listExecutions({ workflowId })).sort(
			(a, b) => Number(b.id) - Number(a.id),
		);
		return await agent.stack.n8n.rest.waitForExecution(newest.id, 60_000);
	}

	/** The model requests (chat completions or responses) of the current test. */
	function modelRequests(): RecordedRequest[] {
		return agent.model.requests.slice(mark).filter((entry) => entry.request !== undefined);
	}

	function apiCalls(log: SandboxLogEntry[], path: string): SandboxLogEntry[] {
		return log.filter((entry) => entry.method === 'POST' && entry.path === path);
	}

	/** The results n8n handed to the model, in order, as it sent them. */
	function toolResultsSent(
		recorded: RecordedRequest[],
	): Array<{ tool: string; args: Record<string, unknown>; result: unknown }> {
		const last = recorded[recorded.length - 1].request as ModelRequest;
		return toolResults(last).map((result) => ({
			tool: result.call.name,
			args: result.call.arguments,
			result: result.json,
		}));
	}

	it('imports and publishes the example like `npm start`; the editor would flag none of its nodes; the chat page is served', async () => {
		const rest = agent.stack.n8n.rest;
		const stored = await rest.getWorkflow(AGENT_WORKFLOW_ID);
		expect({ name: stored.name, active: stored.active, nodes: stored.nodes.length }).toEqual({
			name: example.name,
			active: true,
			nodes: example.nodes.length,
		});
		expect(workflowIssues(example, await rest.nodeTypes())).toEqual([]);
		const tools = example.nodes
			.filter((node) => node.type === `${NODE_TYPES.action}Tool`)
			.map((node) => node.name);
		expect(tools).toEqual(['Send Code', 'Verify Code', 'Get Call Status']);

		const page = await new ChatClient(agent.stack.n8n.baseUrl, chatWebhookId(example)).page();
		expect(page.status).toBe(200);
		expect(page.html).toContain('Which Indian mobile number should I verify?');
	});

	it('verifies a number in two chat turns: one verification call, one verify attempt with the spoken code', async () => {
		const { chat, script } = await newConversation([
			toolCall('Send_Code', { number: '98123 45678' }),
			(request) =>
				text(
					`I have called +919812345678 with a 6-digit code (request ${String(firstItem(pendingToolResult(request))?.request_id)}). Please type it.`,
				),
			// Turn 2: the request_id comes from turn 1's tool result (memory), the code from what the person typed.
			(request) =>
				toolCall('Verify_Code', {
					request_id: sentRequestId(request),
					code: /\d{6}/.exec(lastUserText(request))?.[0] ?? '',
				}),
			(request) =>
				text(
					firstItem(pendingToolResult(request))?.verified === true
						? 'Thank you: +919812345678 is verified.'
						: 'That code did not match.',
				),
		]);

		const first = await chat.send('Hi, please verify my number 98123 45678');
		expect(first).toMatchObject({
			status: 200,
			output: expect.stringContaining('Please type it.'),
		});
		expect((await latestExecution()).status).toBe('success');

		const [sent] = toolResultsSent(modelRequests()).map(
			(entry) => entry.result as Array<Record<string, unknown>>,
		);
		expect(sent).toEqual([
			expect.objectContaining({
				status: 'success',
				request_id: expect.any(String),
				expires_in_sec: 600,
			}),
		]);
		const requestId = sent[0].request_id as string;
		const otp = await sandbox.otp(requestId);
		expect({ number: otp.number, status: otp.status, code: otp.code }).toEqual({
			number: '+919812345678',
			status: 'pending',
			code: expect.stringMatching(/^\d{6}$/),
		});
		expect(otp.message).toContain('Your verification code is'); // the fixed message, not one from the model

		const second = await chat.send(`The code is ${otp.code}`);
		expect(second).toMatchObject({ status: 200, output: 'Thank you: +919812345678 is verified.' });
		expect((await latestExecution()).status).toBe('success');
		expect(script.remaining()).toBe(0);

		const log = await sandbox.log();
		expect(apiCalls(log, '/otp/send').map((entry) => entry.body)).toEqual([
			expect.objectContaining({ number: '+919812345678', length: 6 }),
		]);
		expect(apiCalls(log, '/otp/verify').map((entry) => entry.body)).toEqual([
			{ request_id: requestId, code: otp.code },
		]);
		expect((await sandbox.otp(requestId)).status).toBe('verified');
		// What the model saw of the verification:
		const results = toolResultsSent(modelRequests());
		expect(results.map((entry) => entry.tool)).toEqual(['Send_Code', 'Verify_Code']);
		expect(results[1].result).toEqual([
			expect.objectContaining({ verified: true, details: 'Code verified.', request_id: requestId }),
		]);
	});

	it('a wrong code first: the tool result says so with attempts_left, and the next call with the right code verifies', async () => {
		let spoken = '';
		const { chat, script } = await newConversation([
			toolCall('Send_Code', { number: '+91 98123 45690' }),
			text('Please type the code you heard.'),
			// The model mishears the code once, reads the tool result, and tries the right one.
			async (request) => {
				spoken = (await sandbox.otp(sentRequestId(request))).code;
				return toolCall('Verify_Code', {
					request_id: sentRequestId(request),
					code: wrongCode(spoken),
				});
			},
			(request) => toolCall('Verify_Code', { request_id: sentRequestId(request), code: spoken }),
			(request) =>
				text(
					firstItem(pendingToolResult(request))?.verified === true
						? 'Verified on the second try.'
						: 'Still not verified.',
				),
		]);

		await chat.send('Verify +91 98123 45690');
		const reply = await chat.send('I think it was the code you read');
		expect(reply).toMatchObject({ status: 200, output: 'Verified on the second try.' });
		expect((await latestExecution()).status).toBe('success');
		expect(script.remaining()).toBe(0);

		const results = toolResultsSent(modelRequests());
		expect(results.map((entry) => [entry.tool, entry.args.code])).toEqual([
			['Send_Code', undefined],
			['Verify_Code', wrongCode(spoken)],
			['Verify_Code', spoken],
		]);
		// The API echoes the reference_id of the send (Send Code generates one when the field is empty).
		const sentReference = (results[0].result as Array<{ reference_id?: unknown }>)[0]?.reference_id;
		expect(sentReference).toEqual(expect.stringMatching(/^n8n-/));
		expect(results[1].result).toEqual([
			{
				verified: false,
				reason: 'incorrect_code',
				attempts_left: 2,
				details: 'Incorrect code.',
				request_id: expect.any(String),
				reference_id: sentReference,
			},
		]);
		expect(results[2].result).toEqual([expect.objectContaining({ verified: true })]);
		expect(apiCalls(await sandbox.log(), '/otp/verify').map((entry) => entry.status)).toEqual([
			401, 200,
		]);
	});

	it('a malformed number: the tool result is the validation message, the sandbox gets no request, the execution succeeds', async () => {
		const { chat } = await newConversation([
			toolCall('Send_Code', { number: '12345' }),
			sayToolResult,
		]);

		const reply = await chat.send('Verify 12345');
		expect(reply.status).toBe(200);
		expect(toolResultsSent(modelRequests())).toEqual([
			{
				tool: 'Send_Code',
				args: { number: '12345', id: expect.any(String) },
				result: [{ error: NUMBER_ERROR }],
			},
		]);
		expect(reply.output).toBe(`Tool result: ${JSON.stringify([{ error: NUMBER_ERROR }])}`);
		expect(await sandbox.log()).toEqual([]);

		const execution = await latestExecution();
		const runData = decodeExecutionData(execution);
		expect({ status: execution.status, error: runData.resultData.error }).toEqual({
			status: 'success',
			error: undefined,
		});
		// The tool node's run shows the error; the agent went on and answered.
		const toolRun = runData.resultData.runData['Send Code'][0] as unknown as {
			error?: { message: string };
		};
		expect(toolRun.error?.message).toBe(NUMBER_ERROR);
		expect(runData.resultData.runData['AI Agent']).toBeDefined();
	});

	it('the tool definitions n8n sent name our operations and describe their parameters', async () => {
		const { chat } = await newConversation([text('Which number should I verify?')]);
		await chat.send('Hello');
		const [request] = modelRequests();
		expect(request.path).toBe('/v1/responses');
		const tools = new Map((request.request as ModelRequest).tools.map((tool) => [tool.name, tool]));
		expect([...tools.keys()].sort()).toEqual(['Get_Call_Status', 'Send_Code', 'Verify_Code']);

		// Each tool's description is its operation's description in the node (what it does, returns, when to use it).
		const nodeTypes = await agent.stack.n8n.rest.nodeTypes();
		const toolType = nodeTypes.find(
			(type) => type.name === `${NODE_TYPES.action}Tool`,
		) as NodeTypeDescription;
		expect(toolType).toBeDefined();
		const operationDescription = (resource: string, operation: string) => {
			const property = (
				toolType.properties as Array<{
					name: string;
					displayOptions?: { show?: { resource?: string[] } };
					options?: Array<{ value: string; description?: string }>;
				}>
			).find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
			return property?.options?.find((option) => option.value === operation)?.description;
		};
		const describe = (tool: ToolDefinition | undefined) => ({
			description: tool?.description,
			parameters: Object.fromEntries(
				Object.entries(tool?.parameters.properties ?? {}).map(([name, schema]) => [
					name,
					`${schema.type}: ${schema.description}`,
				]),
			),
			required: tool?.parameters.required,
		});
		expect(describe(tools.get('Send_Code'))).toEqual({
			description: operationDescription('verification', 'sendCode'),
			parameters: {
				number: expect.stringMatching(/^string: .*9812345678, 919812345678 or \+919812345678/),
			},
			required: ['number'],
		});
		expect(describe(tools.get('Verify_Code'))).toEqual({
			description: operationDescription('verification', 'verifyCode'),
			parameters: {
				request_id: expect.stringMatching(/^string: .*Send Code/),
				code: expect.stringMatching(/^string: .*4 to 8 digits/),
			},
			required: ['request_id', 'code'],
		});
		expect(describe(tools.get('Get_Call_Status'))).toEqual({
			description: operationDescription('call', 'getStatus'),
			parameters: { request_id: expect.stringMatching(/^string: .*Send Code/) },
			required: ['request_id'],
		});
		for (const tool of tools.values()) expect(tool.description).toMatch(/Returns .+\. Use it /);
	});

	it('with "Use Responses API" off, n8n calls Chat Completions and the agent works the same', async () => {
		const { chat } = await newConversation(
			[toolCall('Send_Code', { number: '12345' }), sayToolResult],
			variant,
		);
		const reply = await chat.send('Verify 12345');
		expect(reply.output).toBe(`Tool result: ${JSON.stringify([{ error: NUMBER_ERROR }])}`);
		const requests = modelRequests();
		expect(requests.map((entry) => entry.path)).toEqual([
			'/v1/chat/completions',
			'/v1/chat/completions',
		]);
		expect((requests[0].request as ModelRequest).tools.map((tool) => tool.name).sort()).toEqual([
			'Get_Call_Status',
			'Send_Code',
			'Verify_Code',
		]);
		expect((await latestExecution(CHAT_COMPLETIONS_ID)).status).toBe('success');
	});

	it('the demo model of `npm start` verifies in two turns, pointing at the sandbox page with the code', async () => {
		const { chat } = await newConversation([]);
		agent.model.setResponder(demoResponder({ sandboxOrigin: () => agent.stack.sandbox.origin }));

		const first = await chat.send('Can you verify 98123-45611?');
		const link = new RegExp(`${agent.stack.sandbox.origin}/__sandbox/otp/([0-9a-f-]+)`).exec(
			first.output,
		);
		expect(link).not.toBeNull();
		const otp = await sandbox.otp((link as RegExpExecArray)[1]);
		expect(otp.number).toBe('+919812345611');

		const second = await chat.send(otp.code);
		expect(second.output).toBe('Thank you: the number is verified.');
		const log = await sandbox.log();
		expect([apiCalls(log, '/otp/send').length, apiCalls(log, '/otp/verify').length]).toEqual([
			1, 1,
		]);
	});

	/**
	 * Issue 17, row 3: the model calls Send Code twice for one number in one chat turn (one execution)
	 * while the first code is pending. The person must get one call and hear one code: the second tool
	 * result is the first request, marked `sentEarlierInExecution`, and the sandbox sees one /otp/send.
	 */
	async function expectOneCodeForTwoSends(
		sends: Array<{ tool: string; args: Record<string, unknown>; result: unknown }>,
		number: string,
	): Promise<void> {
		expect(sends.map((entry) => entry.tool)).toEqual(['Send_Code', 'Send_Code']);
		const [a, b] = sends.map((entry) => (entry.result as Array<Record<string, unknown>>)[0]);
		// Exactly one of the two results is the reused one (n8n runs parallel calls one after the other).
		const [sent, reused] = a.sentEarlierInExecution === true ? [b, a] : [a, b];
		expect(sent).toEqual(
			expect.objectContaining({ status: 'success', request_id: expect.any(String) }),
		);
		expect(sent.sentEarlierInExecution).not.toBe(true);
		expect(reused).toEqual(
			expect.objectContaining({ request_id: sent.request_id, sentEarlierInExecution: true }),
		);
		const log = await sandbox.log();
		expect(apiCalls(log, '/otp/send').map((entry) => entry.body)).toEqual([
			expect.objectContaining({ number }),
		]);
		const otp = await sandbox.otp(String(sent.request_id));
		expect({ number: otp.number, status: otp.status }).toEqual({ number, status: 'pending' });
	}

	it('Send Code called twice for one number in one model response: one verification call, the second result is the first request', async () => {
		const { chat, script } = await newConversation([
			// Two parallel tool calls in one response, the number in two forms.
			{
				toolCalls: [
					{ name: 'Send_Code', arguments: { number: '98123 45622' } },
					{ name: 'Send_Code', arguments: { number: '+919812345622' } },
				],
			},
			sayToolResult,
		]);
		const reply = await chat.send('Please verify 98123 45622');
		expect(reply.status).toBe(200);
		expect(script.remaining()).toBe(0);
		const execution = await latestExecution();
		expect(execution.status).toBe('success');
		// Both calls ran as runs of the Send Code tool node in this one execution.
		expect(decodeExecutionData(execution).resultData.runData['Send Code']).toHaveLength(2);
		await expectOneCodeForTwoSends(toolResultsSent(modelRequests()), '+919812345622');
	});

	it('Send Code called again for the same number in the next model response of the same turn: one verification call, the same request_id', async () => {
		const { chat, script } = await newConversation([
			toolCall('Send_Code', { number: '9812345633' }),
			// The model "forgets" it has just sent one and sends again, before answering the person.
			toolCall('Send_Code', { number: '98123-45633' }),
			sayToolResult,
		]);
		const reply = await chat.send('Verify 9812345633 please');
		expect(reply.status).toBe(200);
		expect(script.remaining()).toBe(0);
		const execution = await latestExecution();
		expect(execution.status).toBe('success');
		expect(decodeExecutionData(execution).resultData.runData['Send Code']).toHaveLength(2);
		const sends = toolResultsSent(modelRequests());
		await expectOneCodeForTwoSends(sends, '+919812345633');
		// In consecutive responses the order is known: the first sent, the second reused.
		expect((sends[1].result as Array<Record<string, unknown>>)[0].sentEarlierInExecution).toBe(
			true,
		);
	});

	it("the sandbox's secret key appears in none of the requests the model server received", () => {
		// Every request of every test above: GETs and POSTs, headers and bodies.
		const all = agent.model.requests;
		expect(all.length).toBeGreaterThan(0);
		const secret = agent.stack.sandbox.apiSecret;
		expect(secret.length).toBeGreaterThan(8);
		const leaks = all
			.filter((entry) => `${entry.rawBody}\n${JSON.stringify(entry.headers)}`.includes(secret))
			.map((entry) => entry.index);
		expect(leaks).toEqual([]);
	});
});

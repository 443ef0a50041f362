/**
 * A scripted OpenAI-compatible model server for tests and the `npm start` demo (tooling, not shipped).
 *
 *   GET  /v1/models              the model list (n8n's credential test and model picker call it)
 *   POST /v1/chat/completions    Chat Completions API, plain JSON or a stream (stream: true)
 *   POST /v1/responses           Responses API (n8n's OpenAI Chat Model uses it from node version 1.3),
 *                                plain JSON or a stream
 *
 * Each model request is answered by a Responder (see ./script.ts): tool calls with their arguments, or
 * the final text. Every HTTP request is recorded as it arrived (headers, body, the parsed conversation and
 * the tool definitions n8n sent) with the turn it got. Listens on 127.0.0.1 only; port 0 = a free port.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
	ConversationMessage,
	ModelRequest,
	RecordedRequest,
	Responder,
	ToolCall,
	ToolDefinition,
	Turn,
} from './types';

export const MODEL_ID = 'agentive-scripted-1';
export const MODEL_API_KEY = 'sk-scripted-model-not-a-real-key';

export interface ModelServerOptions {
	/** 0 (default) = a free port. */
	port?: number;
	responder: Responder;
	/** Require `Authorization: Bearer <apiKey>` (default MODEL_API_KEY). */
	apiKey?: string;
	/** Called for each recorded request (e.g. to log it). */
	onRequest?: (recorded: RecordedRequest) => void;
}

export interface ModelServer {
	/** http://127.0.0.1:PORT */
	origin: string;
	/** http://127.0.0.1:PORT/v1: the Base URL for n8n's OpenAI credential. */
	baseUrl: string;
	apiKey: string;
	/** Every request received so far, oldest first. */
	readonly requests: RecordedRequest[];
	/** The model requests only (chat completions and responses). */
	modelRequests(): RecordedRequest[];
	/** Answer the following requests with another responder (e.g. a test's script). */
	setResponder(responder: Responder): void;
	clear(): void;
	stop(): Promise<void>;
}

export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
	const apiKey = options.apiKey ?? MODEL_API_KEY;
	let responder = options.responder;
	const requests: RecordedRequest[] = [];
	let counter = 0;

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const recorded: RecordedRequest = {
				index: counter++,
				method: req.method ?? '',
				path: (req.url ?? '').split('?')[0],
				headers: { ...req.headers },
				rawBody: Buffer.concat(chunks).toString('utf8'),
				at: Date.now(),
			};
			requests.push(recorded);
			void handle(recorded, res).finally(() => options.onRequest?.(recorded));
		});
	});

	async function handle(recorded: RecordedRequest, res: http.ServerResponse): Promise<void> {
		const route = `${recorded.method} ${recorded.path.replace(/\/+$/, '')}`;
		if (recorded.headers.authorization !== `Bearer ${apiKey}`) {
			recorded.error = 'missing or wrong API key';
			return sendError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
		}
		if (route === 'GET /v1/models') {
			return sendJson(res, 200, {
				object: 'list',
				data: [
					{ id: MODEL_ID, object: 'model', created: 1767225600, owned_by: 'agentive-voice-tests' },
				],
			});
		}
		if (route.startsWith('GET /v1/models/')) {
			return sendJson(res, 200, {
				id: decodeURIComponent(recorded.path.split('/').pop() ?? ''),
				object: 'model',
				created: 1767225600,
				owned_by: 'agentive-voice-tests',
			});
		}
		const api =
			route === 'POST /v1/chat/completions'
				? 'chat.completions'
				: route === 'POST /v1/responses'
					? 'responses'
					: undefined;
		if (!api) {
			recorded.error = `no route for ${route}`;
			return sendError(res, 404, `Unknown route ${route}.`, 'not_found');
		}
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(recorded.rawBody) as Record<string, unknown>;
			recorded.request =
				api === 'chat.completions' ? parseChatCompletions(body) : parseResponses(body);
		} catch (error) {
			recorded.error = `unreadable request: ${(error as Error).message}`;
			return sendError(res, 400, recorded.error, 'invalid_request_error');
		}
		let turn: Turn;
		try {
			turn = await responder(recorded.request, recorded.index);
		} catch (error) {
			recorded.error = (error as Error).message;
			return sendError(res, 500, `Scripted model: ${recorded.error}`, 'server_error');
		}
		recorded.turn = turn;
		const model = typeof body.model === 'string' ? body.model : MODEL_ID;
		if (api === 'chat.completions')
			return sendChatCompletion(res, model, turn, recorded.request.stream);
		return sendResponse(res, model, turn, recorded.request.stream);
	}

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;
	return {
		origin,
		baseUrl: `${origin}/v1`,
		apiKey,
		requests,
		modelRequests: () => requests.filter((entry) => entry.request !== undefined),
		setResponder: (next) => {
			responder = next;
		},
		clear: () => {
			requests.length = 0;
		},
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

// ---------------------------------------------------------------------------------------------------
// Reading requests

/** Text of a content field: a string, or an array of parts with `text`. */
function contentText(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part) =>
				part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
					? (part as { text: string }).text
					: '',
			)
			.join('');
	}
	return '';
}

function parseArguments(raw: unknown): Record<string, unknown> {
	if (raw && typeof raw === 'object') return raw as Record<string, unknown>;
	if (typeof raw !== 'string' || raw.trim() === '') return {};
	const parsed = JSON.parse(raw) as unknown;
	return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

function systemOrUser(role: unknown): 'system' | 'user' | undefined {
	if (role === 'system' || role === 'developer') return 'system';
	if (role === 'user') return 'user';
	return undefined;
}

export function parseChatCompletions(body: Record<string, unknown>): ModelRequest {
	const messages: ConversationMessage[] = [];
	for (const raw of (body.messages ?? []) as Array<Record<string, unknown>>) {
		const role = systemOrUser(raw.role);
		if (role) messages.push({ role, content: contentText(raw.content) });
		else if (raw.role === 'assistant') {
			const toolCalls = (
				(raw.tool_calls ?? []) as Array<{
					id: string;
					function: { name: string; arguments: unknown };
				}>
			).map(
				(call): ToolCall => ({
					id: call.id,
					name: call.function.name,
					arguments: parseArguments(call.function.arguments),
				}),
			);
			messages.push({ role: 'assistant', content: contentText(raw.content), toolCalls });
		} else if (raw.role === 'tool') {
			messages.push({
				role: 'tool',
				toolCallId: String(raw.tool_call_id),
				content: contentText(raw.content),
			});
		}
	}
	const tools = ((body.tools ?? []) as Array<{ function?: ToolDefinition }>).flatMap((tool) =>
		tool.function
			? [
					{
						name: tool.function.name,
						description: tool.function.description ?? '',
						parameters: tool.function.parameters ?? {},
					},
				]
			: [],
	);
	return {
		api: 'chat.completions',
		model: String(body.model ?? ''),
		messages,
		tools,
		stream: body.stream === true,
	};
}

export function parseResponses(body: Record<string, unknown>): ModelRequest {
	const messages: ConversationMessage[] = [];
	if (typeof body.instructions === 'string' && body.instructions !== '')
		messages.push({ role: 'system', content: body.instructions });
	const input =
		typeof body.input === 'string'
			? [{ role: 'user', content: body.input }]
			: ((body.input ?? []) as Array<Record<string, unknown>>);
	for (const item of input) {
		const role = systemOrUser(item.role);
		if (role) messages.push({ role, content: contentText(item.content) });
		else if (item.role === 'assistant')
			messages.push({ role: 'assistant', content: contentText(item.content), toolCalls: [] });
		else if (item.type === 'function_call') {
			const call: ToolCall = {
				id: String(item.call_id),
				name: String(item.name),
				arguments: parseArguments(item.arguments),
			};
			const last = messages[messages.length - 1];
			// Parallel calls arrive as consecutive items: one assistant turn.
			if (last?.role === 'assistant' && last.content === '') last.toolCalls.push(call);
			else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
		} else if (item.type === 'function_call_output') {
			messages.push({
				role: 'tool',
				toolCallId: String(item.call_id),
				content: contentText(item.output),
			});
		}
	}
	const tools = ((body.tools ?? []) as Array<Record<string, unknown>>).flatMap((tool) =>
		tool.type === 'function'
			? [
					{
						name: String(tool.name),
						description: String(tool.description ?? ''),
						parameters: (tool.parameters ?? {}) as ToolDefinition['parameters'],
					},
				]
			: [],
	);
	return {
		api: 'responses',
		model: String(body.model ?? ''),
		messages,
		tools,
		stream: body.stream === true,
	};
}

// ---------------------------------------------------------------------------------------------------
// Writing responses

function id(prefix: string): string {
	return `${prefix}_${randomBytes(12).toString('hex')}`;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
	});
	res.end(text);
}

function sendError(res: http.ServerResponse, status: number, message: string, code: string): void {
	sendJson(res, status, { error: { message, type: code, param: null, code } });
}

function startStream(res: http.ServerResponse): (data: unknown, event?: string) => void {
	res.writeHead(200, {
		'content-type': 'text/event-stream',
		'cache-control': 'no-cache',
		connection: 'keep-alive',
	});
	return (data, event) => {
		if (event) res.write(`event: ${event}\n`);
		res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
	};
}

const usageTokens = (turn: Turn) => ({
	input: 100,
	output: 'text' in turn ? Math.ceil(turn.text.length / 4) : 20,
});

function sendChatCompletion(
	res: http.ServerResponse,
	model: string,
	turn: Turn,
	stream: boolean,
): void {
	const completionId = id('chatcmpl');
	const created = Math.floor(Date.now() / 1000);
	const toolCalls =
		'toolCalls' in turn
			? turn.toolCalls.map((call) => ({
					id: id('call'),
					type: 'function',
					function: { name: call.name, arguments: JSON.stringify(call.arguments) },
				}))
			: undefined;
	const content = 'text' in turn ? turn.text : null;
	const finishReason = toolCalls ? 'tool_calls' : 'stop';
	const tokens = usageTokens(turn);
	const usage = {
		prompt_tokens: tokens.input,
		completion_tokens: tokens.output,
		total_tokens: tokens.input + tokens.output,
	};
	if (!stream) {
		return sendJson(res, 200, {
			id: completionId,
			object: 'chat.completion',
			created,
			model,
			choices: [
				{
					index: 0,
					message: {
						role: 'assistant',
						content,
						refusal: null,
						...(toolCalls ? { tool_calls: toolCalls } : {}),
					},
					logprobs: null,
					finish_reason: finishReason,
				},
			],
			usage,
		});
	}
	const send = startStream(res);
	const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
		id: completionId,
		object: 'chat.completion.chunk',
		created,
		model,
		choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
	});
	send(chunk({ role: 'assistant', content: toolCalls ? null : '' }, null));
	if (toolCalls)
		toolCalls.forEach((call, index) => send(chunk({ tool_calls: [{ index, ...call }] }, null)));
	else send(chunk({ content }, null));
	send(chunk({}, finishReason));
	send({ id: completionId, object: 'chat.completion.chunk', created, model, choices: [], usage });
	send('[DONE]');
	res.end();
}

function sendResponse(res: http.ServerResponse, model: string, turn: Turn, stream: boolean): void {
	const responseId = id('resp');
	const output =
		'toolCalls' in turn
			? turn.toolCalls.map((call) => ({
					type: 'function_call',
					id: id('fc'),
					call_id: id('call'),
					name: call.name,
					arguments: JSON.stringify(call.arguments),
					status: 'completed',
				}))
			: [
					{
						type: 'message',
						id: id('msg'),
						role: 'assistant',
						status: 'completed',
						content: [{ type: 'output_text', text: turn.text, annotations: [] }],
					},
				];
	const tokens = usageTokens(turn);
	const response = (status: string, items: unknown[]) => ({
		id: responseId,
		object: 'response',
		created_at: Math.floor(Date.now() / 1000),
		status,
		error: null,
		incomplete_details: null,
		instructions: null,
		model,
		output: items,
		parallel_tool_calls: true,
		tool_choice: 'auto',
		tools: [],
		text: { format: { type: 'text' } },
		usage: {
			input_tokens: tokens.input,
			input_tokens_details: { cached_tokens: 0 },
			output_tokens: tokens.output,
			output_tokens_details: { reasoning_tokens: 0 },
			total_tokens: tokens.input + tokens.output,
		},
	});
	if (!stream) return sendJson(res, 200, response('completed', output));

	const send = startStream(res);
	let sequence = 0;
	const event = (type: string, data: Record<string, unknown>) =>
		send({ type, sequence_number: sequence++, ...data }, type);
	event('response.created', { response: response('in_progress', []) });
	output.forEach((item, outputIndex) => {
		if ('arguments' in item) {
			event('response.output_item.added', {
				output_index: outputIndex,
				item: { ...item, arguments: '', status: 'in_progress' },
			});
			event('response.function_call_arguments.delta', {
				item_id: item.id,
				output_index: outputIndex,
				delta: item.arguments,
			});
			event('response.function_call_arguments.done', {
				item_id: item.id,
				output_index: outputIndex,
				arguments: item.arguments,
			});
		} else {
			const message = item as { id: string; content: Array<{ text: string }> };
			event('response.output_item.added', {
				output_index: outputIndex,
				item: { ...item, content: [], status: 'in_progress' },
			});
			event('response.content_part.added', {
				item_id: message.id,
				output_index: outputIndex,
				content_index: 0,
				part: { type: 'output_text', text: '', annotations: [] },
			});
			event('response.output_text.delta', {
				item_id: message.id,
				output_index: outputIndex,
				content_index: 0,
				delta: message.content[0].text,
			});
			event('response.output_text.done', {
				item_id: message.id,
				output_index: outputIndex,
				content_index: 0,
				text: message.content[0].text,
			});
			event('response.content_part.done', {
				item_id: message.id,
				output_index: outputIndex,
				content_index: 0,
				part: message.content[0],
			});
		}
		event('response.output_item.done', { output_index: outputIndex, item });
	});
	event('response.completed', { response: response('completed', output) });
	res.end();
}

/**
 * Scripts for the scripted model: a list of steps answered in order, one per model request, and helpers
 * to read the conversation n8n sent (the user's last words, the results of the tools called so far).
 */
import type {
	ConversationMessage,
	ModelRequest,
	Responder,
	ToolCall,
	ToolDefinition,
	Turn,
} from './types';

/** A fixed turn, or a callback that builds the turn from the request (and any state it reads). */
export type Step = Turn | ((request: ModelRequest) => Turn | Promise<Turn>);

export class ScriptExhaustedError extends Error {}

/**
 * Answers the n-th model request with the n-th step. One agent turn usually takes two requests: a tool
 * call, then (with the tool's result) the text.
 */
export function scripted(steps: Step[]): Responder & { remaining(): number } {
	let next = 0;
	const responder = async (request: ModelRequest): Promise<Turn> => {
		if (next >= steps.length) {
			throw new ScriptExhaustedError(
				`The script has ${steps.length} step(s) and all were used; request ${next + 1} has no answer.`,
			);
		}
		const step = steps[next++];
		return typeof step === 'function' ? await step(request) : step;
	};
	return Object.assign(responder, { remaining: () => steps.length - next });
}

export function toolCall(name: string, args: Record<string, unknown>): Turn {
	return { toolCalls: [{ name, arguments: args }] };
}

export function text(content: string): Turn {
	return { text: content };
}

/** The text of the last user message. */
export function lastUserText(request: ModelRequest): string {
	for (let i = request.messages.length - 1; i >= 0; i--) {
		const message = request.messages[i];
		if (message.role === 'user') return message.content;
	}
	return '';
}

export interface ToolResult {
	call: ToolCall;
	/** The tool message as n8n sent it (a JSON text). */
	content: string;
	/** The content parsed as JSON, when it is JSON. */
	json: unknown;
}

/** Results of the tool calls in the conversation, oldest first, each with the call it answers. */
export function toolResults(request: ModelRequest): ToolResult[] {
	const calls = new Map<string, ToolCall>();
	const results: ToolResult[] = [];
	for (const message of request.messages) {
		if (message.role === 'assistant')
			for (const call of message.toolCalls) calls.set(call.id, call);
		if (message.role === 'tool') {
			const call = calls.get(message.toolCallId) ?? {
				id: message.toolCallId,
				name: '(unknown)',
				arguments: {},
			};
			results.push({ call, content: message.content, json: parseJson(message.content) });
		}
	}
	return results;
}

/** The result of the most recent tool call, if the last message is one. */
export function pendingToolResult(request: ModelRequest): ToolResult | undefined {
	const last = request.messages[request.messages.length - 1];
	if (!last || last.role !== 'tool') return undefined;
	return toolResults(request).pop();
}

/**
 * The first object of a tool result: n8n sends a tool node's output items as a JSON array of their
 * `json`, or `{ error }` when the node failed.
 */
export function firstItem(result: ToolResult | undefined): Record<string, unknown> | undefined {
	const json = result?.json;
	const first = Array.isArray(json) ? json[0] : json;
	return first !== null && typeof first === 'object'
		? (first as Record<string, unknown>)
		: undefined;
}

export function findTool(request: ModelRequest, name: string): ToolDefinition | undefined {
	return request.tools.find((tool) => tool.name === name);
}

export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/** All text of the conversation (for searching a request ID in earlier answers). */
export function conversationText(messages: ConversationMessage[]): string {
	return messages.map((message) => ('content' in message ? message.content : '')).join('\n');
}

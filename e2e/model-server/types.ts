/**
 * The scripted model's view of a request, the same whichever OpenAI API n8n called (Chat Completions or
 * Responses), and what a script answers with.
 */

/** A tool as n8n described it to the model. */
export interface ToolDefinition {
	name: string;
	description: string;
	/** JSON Schema of the arguments (n8n builds it from the $fromAI() calls of the tool node). */
	parameters: JsonSchema;
}

export interface JsonSchema {
	type?: string;
	description?: string;
	properties?: Record<string, JsonSchema>;
	required?: string[];
	[key: string]: unknown;
}

export interface ToolCall {
	id: string;
	name: string;
	arguments: Record<string, unknown>;
}

/** One message of the conversation n8n sent, oldest first. */
export type ConversationMessage =
	| { role: 'system' | 'user'; content: string }
	| { role: 'assistant'; content: string; toolCalls: ToolCall[] }
	| { role: 'tool'; toolCallId: string; content: string };

export interface ModelRequest {
	api: 'chat.completions' | 'responses';
	model: string;
	messages: ConversationMessage[];
	tools: ToolDefinition[];
	stream: boolean;
}

/** What the model answers: calls to tools (n8n runs them and asks again), or the final text. */
export type Turn =
	| { text: string }
	| { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> };

/** Decides the next turn from the request; may read state elsewhere (e.g. the sandbox) first. */
export type Responder = (request: ModelRequest, index: number) => Turn | Promise<Turn>;

/** Every HTTP request the server received, as it arrived. */
export interface RecordedRequest {
	/** 0, 1, 2… in arrival order. */
	index: number;
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	/** The raw body text. */
	rawBody: string;
	/** The parsed model request, for POSTs to the two model APIs. */
	request?: ModelRequest;
	/** The turn the server answered with (or the error it returned). */
	turn?: Turn;
	error?: string;
	at: number;
}

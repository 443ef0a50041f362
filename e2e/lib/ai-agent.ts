/**
 * The AI-agent example (examples/ai-phone-verification-agent.json) and what it needs around it: the
 * scripted model server with an n8n OpenAI credential pointing at it, and a client for the Chat
 * Trigger's public chat (the requests n8n's hosted chat page makes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODEL_ID, startModelServer, type ModelServer } from '../model-server/server';
import type { Responder } from '../model-server/types';
import { packedFromEnv, stopSuiteStack } from './harness';
import type { CredentialImport, WorkflowImport } from './n8n';
import { EXAMPLES_DIR } from './paths';
import { log } from './proc';
import { ensureRuntime } from './runtime';
import { archiveLogs, startStack, tempUserFolder, type Stack } from './stack';

export const AGENT_EXAMPLE_FILE = path.join(EXAMPLES_DIR, 'ai-phone-verification-agent.json');
export const AGENT_WORKFLOW_ID = 'avExAiPhoneAgent';

/** The OpenAI credential the example uses; `npm start` points it at the scripted demo model. */
export const MODEL_CREDENTIAL = {
	id: 'AgVoiceScripted1',
	name: 'Scripted model (npm start demo)',
} as const;

export { MODEL_ID };

export function modelCredential(server: Pick<ModelServer, 'baseUrl' | 'apiKey'>): CredentialImport {
	return {
		...MODEL_CREDENTIAL,
		type: 'openAiApi',
		data: { apiKey: server.apiKey, url: server.baseUrl, organizationId: '', header: false },
	};
}

export function loadAgentExample(): WorkflowImport {
	return JSON.parse(fs.readFileSync(AGENT_EXAMPLE_FILE, 'utf8')) as WorkflowImport;
}

/** The Chat Trigger's webhook id: the public chat is at /webhook/<id>/chat. */
export function chatWebhookId(workflow: WorkflowImport): string {
	const trigger = workflow.nodes.find(
		(node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger',
	);
	if (!trigger || typeof trigger.webhookId !== 'string')
		throw new Error(`${workflow.name} has no Chat Trigger with a webhookId.`);
	return trigger.webhookId;
}

export interface ChatReply {
	status: number;
	/** The agent's answer (the `output` n8n responds with in "When Last Node Finishes" mode). */
	output: string;
	body: unknown;
}

/** A visitor of the public chat page: one session, messages sent as the page's chat widget sends them. */
export class ChatClient {
	readonly url: string;

	constructor(
		baseUrl: string,
		webhookId: string,
		readonly sessionId: string = `session-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
	) {
		this.url = `${baseUrl}/webhook/${webhookId}/chat`;
	}

	/** GET: the hosted chat page. */
	async page(): Promise<{ status: number; html: string }> {
		const response = await fetch(this.url);
		return { status: response.status, html: await response.text() };
	}

	async send(chatInput: string): Promise<ChatReply> {
		const response = await fetch(this.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'sendMessage', sessionId: this.sessionId, chatInput }),
		});
		const text = await response.text();
		let body: unknown = text;
		try {
			body = JSON.parse(text) as unknown;
		} catch {
			// not JSON
		}
		const output =
			body && typeof body === 'object' && typeof (body as { output?: unknown }).output === 'string'
				? (body as { output: string }).output
				: '';
		return { status: response.status, output, body };
	}
}

export interface AgentStack {
	stack: Stack;
	model: ModelServer;
	stop(): Promise<void>;
}

/**
 * An e2e stack (sandbox + n8n on free ports, temporary user folder) with the scripted model and its
 * credential, importing `workflows` the way `npm start` imports examples/. Logs go to e2e/.work/logs/<label>-*.
 */
export async function bootAgentStack(
	label: string,
	workflows: WorkflowImport[],
	responder: Responder,
): Promise<AgentStack> {
	const runtime = await ensureRuntime();
	const userFolder = tempUserFolder(label);
	log(`e2e ${label}: user folder ${userFolder}`);
	const model = await startModelServer({ responder });
	let stack: Stack;
	try {
		stack = await startStack({
			runtime,
			packed: packedFromEnv(),
			userFolder,
			n8nPort: 0,
			sandboxPort: 0,
			seedCalls: 5,
			workflows,
			credentials: [modelCredential(model)],
		});
	} catch (error) {
		await model.stop();
		const dir = archiveLogs(userFolder, label);
		throw new Error(
			`${(error as Error).message}\n(logs: ${path.relative(process.cwd(), dir)}/${label}-*, user folder ${userFolder})`,
		);
	}
	return {
		stack,
		model,
		stop: async () => {
			await stopSuiteStack(stack, label);
			await model.stop();
		},
	};
}

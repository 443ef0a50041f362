import type {
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	IRun,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';

import { AgentiveVoiceApi } from '../../credentials/AgentiveVoiceApi.credentials';
import { TestCredentialsHelper } from './credentials-helper';
import { ACTION_NODE_TYPE, ITEMS_NODE_TYPE, nodeTypes } from './node-types';

export type Credentials = Record<string, ICredentialDataDecryptedObject>;

const credentialTypes = { agentiveVoiceApi: new AgentiveVoiceApi() };

/** The credential object for a running sandbox (or any server speaking the API). */
export function apiCredentials(server: {
	url: string;
	apiKey: string;
	apiSecret: string;
	/** The credential's "Allow HTTP to a Non-Loopback Host (Trusted Network Only)". */
	allowInsecureHttp?: boolean;
}): Credentials {
	return {
		agentiveVoiceApi: {
			publishableKey: server.apiKey,
			secretKey: server.apiSecret,
			baseUrl: server.url,
			...(server.allowInsecureHttp === undefined
				? {}
				: { allowInsecureHttp: server.allowInsecureHttp }),
		},
	};
}

export function additionalDataFor(
	credentials: Credentials,
	hooks: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new TestCredentialsHelper(credentialTypes, credentials),
		hooks,
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in tests');
		},
		getRunExecutionData: async () => undefined,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Code runners are not available in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface WorkflowDefinition {
	nodes: INode[];
	connections: IConnections;
	staticData?: IDataObject;
}

export interface RunResult {
	run: IRun;
	/** Output items of the named node (first run, first output). */
	output(nodeName: string): INodeExecutionData[];
	/** The workflow-level error, if the execution failed. */
	error: IRun['data']['resultData']['error'];
}

/** How an execution starts: a fresh one (default), or an n8n Retry of an earlier run (see retryOf). */
export interface ExecutionStart {
	mode?: 'manual' | 'trigger' | 'webhook' | 'retry';
	executionId?: string;
	/** The data to continue from (a Retry's); default: the start node with one empty item. */
	runExecutionData?: IRunExecutionData;
}

/**
 * What n8n's Executions › Retry starts from (n8n 2.41.1 ExecutionService.retry): the failed
 * execution's saved data, with its error removed and the failed node's last (error) run popped, so
 * the node execution stack re-runs that node with all of its original input items. Custom data
 * (resultData.metadata) comes along. The data goes through JSON as n8n's database does.
 */
export function retryOf(previous: RunResult): IRunExecutionData {
	const data = JSON.parse(JSON.stringify(previous.run.data)) as IRunExecutionData;
	const { lastNodeExecuted } = data.resultData;
	delete data.resultData.error;
	if (lastNodeExecuted) {
		const runs = data.resultData.runData[lastNodeExecuted];
		if (runs?.length && runs[runs.length - 1].error !== undefined) runs.pop();
	}
	return data;
}

/** Runs a whole workflow through n8n-core's WorkflowExecute, from its first node without inputs. */
export async function runWorkflow(
	definition: WorkflowDefinition,
	credentials: Credentials,
	start: ExecutionStart = {},
): Promise<RunResult> {
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'test',
		nodes: definition.nodes,
		connections: definition.connections,
		nodeTypes,
		active: false,
		staticData: definition.staticData,
		settings: { executionOrder: 'v1' },
	});
	const startNode = definition.nodes.find(
		(node) => nodeTypes.getByNameAndVersion(node.type).description.inputs.length === 0,
	);
	if (!startNode) throw new Error('The workflow needs a start node without inputs');

	const mode = start.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, start.executionId ?? 'test-execution', {
		id: 'test-workflow',
		name: 'test',
		nodes: definition.nodes,
		connections: definition.connections,
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as never);
	let resolveRun: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));

	const runExecutionData: IRunExecutionData =
		start.runExecutionData ??
		createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
			},
		});
	const additionalData = additionalDataFor(credentials, hooks);
	if (start.executionId) additionalData.executionId = start.executionId;
	const execute = new WorkflowExecute(additionalData, mode, runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await finished;
	return {
		run,
		error: run.data.resultData.error,
		output: (nodeName) => run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? [],
	};
}

export interface RunNodeOptions {
	parameters: IDataObject;
	items?: IDataObject[];
	credentials: Credentials;
	continueOnFail?: boolean;
	/** "Continue (using error output)": failed items go to a second output. */
	errorOutput?: boolean;
	/** A fresh execution by default; a Retry with `retryOf(previous)`. */
	start?: ExecutionStart;
	/** Node settings, e.g. n8n's Retry On Fail: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 }. */
	settings?: Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
}

export interface NodeRunResult extends RunResult {
	/** Output items of the node run (the Agentive Voice node or a test node). */
	items: INodeExecutionData[];
	/** Items on the node's error output (with `errorOutput`). */
	errorItems: INodeExecutionData[];
	/** The error the node threw, if it failed the execution. */
	nodeError: unknown;
}

/** Runs `Items → Agentive Voice` with the given parameters and input items. */
export async function runActionNode(options: RunNodeOptions): Promise<NodeRunResult> {
	return await runAfterItems(
		{ id: 'agentive', type: ACTION_NODE_TYPE, name: 'Agentive Voice' },
		options,
	);
}

/** The `Items` node that starts a test workflow: it outputs `items` as they are. */
export function itemsNode(items: IDataObject[]): INode {
	return {
		id: 'items',
		name: 'Items',
		type: ITEMS_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(items) },
	};
}

/** Runs `Items → <node>`: the input items feed one node of `type`, which uses the API credential. */
export async function runAfterItems(
	target: { id: string; type: string; name: string },
	options: RunNodeOptions,
): Promise<NodeRunResult> {
	const nodes: INode[] = [
		itemsNode(options.items ?? [{}]),
		{
			id: target.id,
			name: target.name,
			type: target.type,
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters as INode['parameters'],
			credentials: { agentiveVoiceApi: { id: '1', name: 'Agentive Voice account' } },
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...(options.errorOutput ? { onError: 'continueErrorOutput' as const } : {}),
			...options.settings,
		},
	];
	const connections: IConnections = {
		Items: { main: [[{ node: target.name, type: 'main', index: 0 }]] },
	};
	const result = await runWorkflow({ nodes, connections }, options.credentials, options.start);
	const taskData = result.run.data.resultData.runData[target.name]?.[0];
	return {
		...result,
		items: result.output(target.name),
		errorItems: taskData?.data?.main?.[1] ?? [],
		nodeError: taskData?.error,
	};
}

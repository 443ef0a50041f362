/** Runs the node's listSearch methods through n8n-core's real LoadOptionsContext (what the editor uses). */
import type {
	ILoadOptionsFunctions,
	INode,
	INodeListSearchResult,
	INodeParameters,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { ExecutionLifecycleHooks, LoadOptionsContext } from 'n8n-core';

import type { RunningSandbox } from '../../sandbox';
import { AgentiveVoice } from '../harness/nodes';
import { additionalDataFor, apiCredentials } from '../harness/engine';
import { ACTION_NODE_TYPE, nodeTypes } from '../harness/node-types';

export async function listSearch(
	sandbox: Pick<RunningSandbox, 'url' | 'apiKey' | 'apiSecret'>,
	method: string,
	parameters: INodeParameters,
	filter?: string,
): Promise<INodeListSearchResult> {
	const node: INode = {
		id: 'agentive',
		name: 'Agentive Voice',
		type: ACTION_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { agentiveVoiceApi: { id: '1', name: 'Agentive Voice account' } },
	};
	const workflow = new Workflow({
		id: 'load-options',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'load-options', {
		id: 'load-options',
		name: 'load options',
		nodes: [node],
		connections: {},
		active: false,
	} as never);
	const additionalData = additionalDataFor(apiCredentials(sandbox), hooks);
	additionalData.currentNodeParameters = parameters;
	const context: ILoadOptionsFunctions = new LoadOptionsContext(
		workflow,
		node,
		additionalData,
		'parameters.campaign',
	);
	const methods = new AgentiveVoice().methods.listSearch as Record<
		string,
		(this: ILoadOptionsFunctions, filter?: string) => Promise<INodeListSearchResult>
	>;
	return await methods[method].call(context, filter);
}

import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { AgentiveVoice } from './nodes';

export const PACKAGE = 'n8n-nodes-agentive-voice';
export const ACTION_NODE_TYPE = `${PACKAGE}.agentiveVoice`;
export const ITEMS_NODE_TYPE = 'test.items';

/** A start node for tests: emits the JSON items given in its `items` parameter. */
class ItemsNode implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Items',
		name: 'items',
		group: ['input'],
		version: 1,
		description: 'Emits test items',
		defaults: { name: 'Items' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as unknown;
		const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<
			Record<string, unknown>
		>;
		return [list.map((json) => ({ json: json as INodeExecutionData['json'] }))];
	}
}

const registry = new Map<string, INodeType | IVersionedNodeType>([
	[ACTION_NODE_TYPE, new AgentiveVoice()],
	[ITEMS_NODE_TYPE, new ItemsNode()],
]);

/** Registers another node type (the trigger registers itself this way). */
export function registerNodeType(type: string, node: INodeType | IVersionedNodeType): void {
	registry.set(type, node);
}

export const nodeTypes: INodeTypes = {
	getByName: (type) => {
		const found = registry.get(type);
		if (!found) throw new Error(`Unknown node type ${type}`);
		return found;
	},
	getByNameAndVersion: (type) => {
		const found = registry.get(type);
		if (!found) throw new Error(`Unknown node type ${type}`);
		return 'nodeVersions' in found ? found.nodeVersions[found.currentVersion] : found;
	},
	getKnownTypes: () => ({}),
};

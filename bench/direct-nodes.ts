/**
 * Two minimal nodes that isolate the transport's cost: both send POST /calls for each item with the
 * body taken straight from the item (no node parameters, no expressions). One calls n8n's
 * httpRequestWithAuthentication directly; the other goes through the transport (pacing, 429
 * handling, placement policy). The difference is what the transport adds per item.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { apiRequest } from '../nodes/shared/transport';
import { apiCredentials, runWorkflow } from '../test/harness/engine';
import { ITEMS_NODE_TYPE, registerNodeType } from '../test/harness/node-types';

export const DIRECT_HTTP = 'bench.directHttp';
export const DIRECT_TRANSPORT = 'bench.directTransport';

function callBody(json: IDataObject): IDataObject {
	return { type: 'audio_blast', number: json.number, audio_id: 12, reference_id: json.ref };
}

function describe(name: string): INodeType['description'] {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: name,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agentiveVoiceApi', required: true }],
		properties: [],
	};
}

class DirectHttp implements INodeType {
	description = describe('directHttp');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { baseUrl } = await this.getCredentials('agentiveVoiceApi');
		const out: INodeExecutionData[] = [];
		for (const item of this.getInputData()) {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				'agentiveVoiceApi',
				{
					method: 'POST',
					url: `${String(baseUrl)}/calls`,
					body: callBody(item.json),
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				},
			)) as { body: IDataObject };
			out.push({ json: response.body });
		}
		return [out];
	}
}

class DirectTransport implements INodeType {
	description = describe('directTransport');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const { json } = items[itemIndex];
			const body = await apiRequest(this, {
				method: 'POST',
				path: '/calls',
				body: callBody(json),
				itemIndex,
				retry: 'placement',
				placement: { number: String(json.number), referenceId: String(json.ref) },
			});
			out.push({ json: body });
		}
		return [out];
	}
}

registerNodeType(DIRECT_HTTP, new DirectHttp());
registerNodeType(DIRECT_TRANSPORT, new DirectTransport());

/** ms per item of one of the direct nodes over `items`. */
export async function directMsPerItem(
	server: { url: string; apiKey: string; apiSecret: string },
	type: string,
	items: IDataObject[],
): Promise<number> {
	const result = await runWorkflow(
		{
			nodes: [
				{
					id: 'items',
					name: 'Items',
					type: ITEMS_NODE_TYPE,
					typeVersion: 1,
					position: [0, 0],
					parameters: { items: JSON.stringify(items) },
				},
				{
					id: 'direct',
					name: 'Direct',
					type,
					typeVersion: 1,
					position: [200, 0],
					parameters: {},
					credentials: { agentiveVoiceApi: { id: '1', name: 'Agentive Voice account' } },
				},
			],
			connections: { Items: { main: [[{ node: 'Direct', type: 'main', index: 0 }]] } },
		},
		apiCredentials(server),
	);
	const task = result.run.data.resultData.runData.Direct?.[0];
	if (!task || task.error) throw new Error(`${type} failed: ${task?.error?.message ?? 'no run'}`);
	return task.executionTime / items.length;
}

/**
 * A test node that sends one transport request per item, so the transport's policies (pacing, 429,
 * read retries, placement recovery, no-retry) run inside the real WorkflowExecute against the
 * sandbox before or beside the shipped operations. Each item's json.request overrides the node's.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';

import { apiRequest } from '../../nodes/shared/transport';
import type { ApiRequest } from '../../nodes/shared/transport';
import type { Credentials, NodeRunResult } from '../harness/engine';
import { runAfterItems } from '../harness/engine';
import { registerNodeType } from '../harness/node-types';
import { useSandbox } from '../harness/sandbox';
import type { RunningSandbox } from '../../sandbox';

export const PROBE_NODE_TYPE = 'test.transportProbe';

class TransportProbe implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Transport Probe',
		name: 'transportProbe',
		group: ['transform'],
		version: 1,
		description: 'Sends transport requests',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agentiveVoiceApi', required: true }],
		properties: [{ displayName: 'Request', name: 'request', type: 'json', default: '{}' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('request', 0) as unknown;
		const base = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Partial<ApiRequest>;
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const own = (items[itemIndex].json.request ?? {}) as Partial<ApiRequest>;
			const request = { ...base, ...own, itemIndex } as ApiRequest;
			try {
				out.push({ json: await apiRequest(this, request), pairedItem: { item: itemIndex } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				const failure = error as NodeApiError;
				const json: IDataObject = {
					error: failure.message,
					description: failure.description ?? null,
				};
				if (failure instanceof NodeApiError) json.httpCode = failure.httpCode;
				out.push({ json, pairedItem: { item: itemIndex } });
			}
		}
		return [out];
	}
}

registerNodeType(PROBE_NODE_TYPE, new TransportProbe());

/** The transport suites' sandbox: the real clock and a small rate limit (20 requests per 2 s). */
export function useTransportSandbox(): () => RunningSandbox {
	return useSandbox({ clock: { mode: 'real' }, rateLimit: { limit: 20, windowMs: 2000 } });
}

export interface ProbeOptions {
	request: Partial<ApiRequest>;
	/** Per-item overrides (json.request); one item with no override by default. */
	items?: Array<Partial<ApiRequest>>;
	credentials: Credentials;
	continueOnFail?: boolean;
}

/** Runs `Items → Probe` through WorkflowExecute. */
export async function runProbe(options: ProbeOptions): Promise<NodeRunResult> {
	return await runAfterItems(
		{ id: 'probe', type: PROBE_NODE_TYPE, name: 'Probe' },
		{
			parameters: { request: JSON.stringify(options.request) },
			items: (options.items ?? [{}]).map((request) => ({ request }) as IDataObject),
			credentials: options.credentials,
			continueOnFail: options.continueOnFail,
		},
	);
}

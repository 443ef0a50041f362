/**
 * The benchmark's workflows, as `n8n import:workflow` takes them: Manual Trigger → Code node making the
 * batch → one of the routes. Every route sends the same POST /calls body for the same items.
 */
import type { WorkflowImport } from '../../e2e/lib/n8n';
import { CREDENTIAL_TYPE, NODE_TYPES } from '../../e2e/lib/paths';
import { PLACE_CALL } from '../lib';

export type RouteId = 'node' | 'http' | 'httpBatching' | 'httpRetry';

export interface Route {
	id: RouteId;
	label: string;
	/** Node parameters and node-level settings of the route's node (besides name/type/position). */
	node(url: string): Record<string, unknown>;
}

export interface CredentialRef {
	id: string;
	name: string;
}

export const ROUTE_NODE_NAME = 'Place';
const TRIGGER_NAME = 'Run';
const ITEMS_NAME = 'Batch';
export const HTTP_NODE_TYPE = 'n8n-nodes-base.httpRequest';
/** The version the n8n 2.41.1 editor puts on the canvas. */
const HTTP_NODE_VERSION = 4.5;

/** The node's Place Call, untuned: every option at its default (Generate Reference ID If Empty is on). */
const OUR_NODE = (): Record<string, unknown> => ({
	type: NODE_TYPES.action,
	typeVersion: 1,
	parameters: PLACE_CALL,
});

/** HTTP Request with the predefined credential type: our credential's `authenticate` adds the key headers. */
const httpNode = (url: string, options: Record<string, unknown> = {}): Record<string, unknown> => ({
	type: HTTP_NODE_TYPE,
	typeVersion: HTTP_NODE_VERSION,
	parameters: {
		method: 'POST',
		url: `${url}/calls`,
		authentication: 'predefinedCredentialType',
		nodeCredentialType: CREDENTIAL_TYPE,
		sendBody: true,
		specifyBody: 'json',
		jsonBody:
			'={{ JSON.stringify({ type: "audio_blast", number: $json.number, audio_id: 12, reference_id: $json.ref }) }}',
		options,
	},
});

export const ROUTES: Route[] = [
	{ id: 'node', label: 'Agentive Voice node (defaults)', node: () => OUR_NODE() },
	{ id: 'http', label: 'HTTP Request (defaults)', node: (url) => httpNode(url) },
	{
		id: 'httpBatching',
		label: 'HTTP Request, batching 12/1000 ms',
		node: (url) => httpNode(url, { batching: { batch: { batchSize: 12, batchInterval: 1000 } } }),
	},
	{
		id: 'httpRetry',
		label: 'HTTP Request, Retry On Fail 5×5 s',
		node: (url) => ({ ...httpNode(url), retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 }),
	},
];

/** Valid Indian mobile numbers 9NNNNNNNNN, distinct per item and per `series`, never a sandbox magic number. */
export function batchNumbers(count: number, series: number): string[] {
	const base = 100_000_000 + series * 1_000_000;
	return Array.from({ length: count }, (_, i) => `9${String(base + i).padStart(9, '0')}`);
}

/** A Code node (JavaScript, all items at once) that returns the batch as items { number, ref }. */
function batchCode(count: number, series: number, tag: string): string {
	const base = 100_000_000 + series * 1_000_000;
	return [
		`// ${count} distinct numbers, so a second call to one of them shows up as a duplicate.`,
		`return Array.from({ length: ${count} }, (_, i) => ({`,
		`  json: { number: '9' + String(${base} + i).padStart(9, '0'), ref: '${tag}-' + i },`,
		'}));',
	].join('\n');
}

const ROUTE_CODES: Record<RouteId, string> = {
	node: 'Node',
	http: 'Http',
	httpBatching: 'Batc',
	httpRetry: 'Retr',
};

/** Stable 16-character workflow id, e.g. benchNodeLimited. */
export function workflowId(route: RouteId, target: 'limited' | 'unlimited'): string {
	return `bench${ROUTE_CODES[route]}${target === 'limited' ? 'Limited' : 'Unlimit'}`;
}

export function routeWorkflow(options: {
	route: Route;
	target: 'limited' | 'unlimited';
	url: string;
	credential: CredentialRef;
	count: number;
	series: number;
}): WorkflowImport {
	const { route, target, url, credential, count, series } = options;
	const id = workflowId(route.id, target);
	return {
		id,
		name: `bench: ${route.label} (${target} sandbox, ${count} items)`,
		nodes: [
			{
				id: `${id}-trigger`,
				name: TRIGGER_NAME,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-items`,
				name: ITEMS_NAME,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: batchCode(count, series, `${route.id}-${target}`) },
			},
			{
				id: `${id}-route`,
				name: ROUTE_NODE_NAME,
				position: [440, 0],
				...route.node(url),
				credentials: { [CREDENTIAL_TYPE]: credential },
			},
		],
		connections: {
			[TRIGGER_NAME]: { main: [[{ node: ITEMS_NAME, type: 'main', index: 0 }]] },
			[ITEMS_NAME]: { main: [[{ node: ROUTE_NODE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

export const CREDENTIAL_CHECK_ID = 'benchCredCheck00';

/** HTTP Request GET /account with the predefined credential type: proves the credential works there. */
export function credentialCheckWorkflow(url: string, credential: CredentialRef): WorkflowImport {
	const id = CREDENTIAL_CHECK_ID;
	return {
		id,
		name: 'bench: HTTP Request with the Agentive Voice API credential',
		nodes: [
			{
				id: `${id}-trigger`,
				name: TRIGGER_NAME,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-http`,
				name: ROUTE_NODE_NAME,
				type: HTTP_NODE_TYPE,
				typeVersion: HTTP_NODE_VERSION,
				position: [220, 0],
				parameters: {
					method: 'GET',
					url: `${url}/account`,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: CREDENTIAL_TYPE,
					options: {},
				},
				credentials: { [CREDENTIAL_TYPE]: credential },
			},
		],
		connections: {
			[TRIGGER_NAME]: { main: [[{ node: ROUTE_NODE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

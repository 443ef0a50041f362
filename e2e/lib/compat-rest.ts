/**
 * The few editor REST calls whose shape differs between the n8n versions of `npm run test:compat`
 * (read from packages/cli/dist of n8n 1.88.0, 1.123.81 and 2.41.1):
 *
 *   activate   2.x and 1.123: POST /rest/workflows/:id/activate { versionId }
 *              1.88:          PATCH /rest/workflows/:id { versionId, active: true } (no /activate route)
 *   run        2.x:  POST /rest/workflows/:id/run { triggerToStartFrom }  (n8n loads the saved workflow)
 *              1.x:  POST /rest/workflows/:id/run { workflowData, triggerToStartFrom }  (the editor sends the workflow)
 *   listSearch all:  POST /rest/dynamic-node-parameters/resource-locator-results
 *              { nodeTypeAndVersion, path, methodName, currentNodeParameters, credentials, filter? }
 */
import {
	decodeExecutionData,
	type ExecutionDetail,
	type N8nRest,
	type WorkflowDetail,
} from './n8n-rest';
import { sleep } from './proc';

export function majorOf(n8nVersion: string): number {
	return Number(n8nVersion.split('.')[0]);
}

/** Activate (2.x: publish) the saved workflow as the editor does on this version. */
export async function activateWorkflowCompat(rest: N8nRest, id: string): Promise<void> {
	const workflow = await rest.getWorkflow(id);
	const url = `/rest/workflows/${encodeURIComponent(id)}`;
	const response = await rest.raw('POST', `${url}/activate`, { versionId: workflow.versionId });
	if (response.status === 404) {
		await rest.request<WorkflowDetail>('PATCH', url, {
			versionId: workflow.versionId,
			active: true,
		});
		return;
	}
	if (response.status < 200 || response.status >= 300) {
		throw new Error(`POST ${url}/activate -> ${response.status}: ${JSON.stringify(response.data)}`);
	}
}

export async function deactivateWorkflowCompat(rest: N8nRest, id: string): Promise<void> {
	const url = `/rest/workflows/${encodeURIComponent(id)}`;
	const response = await rest.raw('POST', `${url}/deactivate`, {});
	if (response.status === 404) {
		const workflow = await rest.getWorkflow(id);
		await rest.request<WorkflowDetail>('PATCH', url, {
			versionId: workflow.versionId,
			active: false,
		});
		return;
	}
	if (response.status < 200 || response.status >= 300) {
		throw new Error(
			`POST ${url}/deactivate -> ${response.status}: ${JSON.stringify(response.data)}`,
		);
	}
}

/** "Execute workflow" from a Manual Trigger named `triggerNode`; resolves with the finished execution. */
export async function runWorkflowCompat(
	rest: N8nRest,
	n8nVersion: string,
	id: string,
	triggerNode: string,
	timeoutMs = 120_000,
): Promise<ExecutionDetail> {
	if (majorOf(n8nVersion) >= 2) return await rest.runWorkflow(id, { triggerNode, timeoutMs });
	const workflowData = await rest.getWorkflow(id);
	const started = await rest.request<{ executionId?: string; waitingForWebhook?: boolean }>(
		'POST',
		`/rest/workflows/${encodeURIComponent(id)}/run`,
		{ workflowData, triggerToStartFrom: { name: triggerNode } },
	);
	if (!started.executionId)
		throw new Error(`n8n did not start an execution: ${JSON.stringify(started)}`);
	// n8n 1.x can report a terminal status a moment before it has stored the run data: read it until it is there.
	const deadline = Date.now() + 15_000;
	for (;;) {
		const execution = await rest.waitForExecution(started.executionId, timeoutMs);
		if (hasRunData(execution) || Date.now() > deadline) return execution;
		await sleep(500);
	}
}

function hasRunData(execution: ExecutionDetail): boolean {
	try {
		return !!decodeExecutionData(execution)?.resultData?.runData;
	} catch {
		return false;
	}
}

export interface ListSearchResult {
	results: Array<{ name: string; value: string | number; url?: string }>;
	paginationToken?: unknown;
}

/** What the editor asks when a resource locator in "From List" mode opens (or its search box changes). */
export async function resourceLocatorSearch(
	rest: N8nRest,
	request: {
		nodeType: string;
		nodeVersion: number;
		path: string;
		methodName: string;
		currentNodeParameters: Record<string, unknown>;
		credentials: Record<string, { id: string; name: string }>;
		filter?: string;
	},
): Promise<ListSearchResult> {
	return await rest.request<ListSearchResult>(
		'POST',
		'/rest/dynamic-node-parameters/resource-locator-results',
		{
			nodeTypeAndVersion: { name: request.nodeType, version: request.nodeVersion },
			path: request.path,
			methodName: request.methodName,
			currentNodeParameters: request.currentNodeParameters,
			credentials: request.credentials,
			...(request.filter !== undefined ? { filter: request.filter } : {}),
		},
	);
}

/**
 * Runs an imported workflow in the running n8n the way the editor's "Execute workflow" does
 * (POST /rest/workflows/:id/run), waits for it through the light execution list, then reads the
 * finished execution once. Polling the full execution instead would make n8n serialise hundreds of
 * items several times a second while it is being measured.
 */
import type { N8n } from '../../e2e/lib/n8n';
import { decodeExecutionData, type ExecutionDetail } from '../../e2e/lib/n8n-rest';
import { sleep } from '../../e2e/lib/proc';

const TERMINAL = new Set(['success', 'error', 'crashed', 'canceled']);

export interface ExecutionResult {
	id: string;
	status: string;
	/** stoppedAt − startedAt as n8n recorded them. */
	executionMs: number;
	/** Sum of the node's task execution times (all its runs). */
	nodeMs: number;
	/** Items on the node's first output (0 when it failed). */
	outputItems: number;
	/** The execution's error, first line. */
	error?: string;
}

export async function executeWorkflow(
	n8n: N8n,
	workflowId: string,
	nodeName: string,
	timeoutMs: number,
): Promise<ExecutionResult> {
	const workflow = await n8n.rest.getWorkflow(workflowId);
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger')?.name;
	if (!trigger) throw new Error(`Workflow ${workflowId} has no Manual Trigger.`);
	const started = await n8n.rest.request<{ executionId?: string }>(
		'POST',
		`/rest/workflows/${workflowId}/run`,
		{
			triggerToStartFrom: { name: trigger },
		},
	);
	const id = started.executionId;
	if (!id)
		throw new Error(`n8n did not start an execution of ${workflowId}: ${JSON.stringify(started)}`);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		await sleep(500);
		const listed = (await n8n.rest.listExecutions({ workflowId }, 20)).find(
			(execution) => String(execution.id) === String(id),
		);
		if (listed && TERMINAL.has(listed.status)) break;
		if (Date.now() > deadline)
			throw new Error(
				`Execution ${id} of ${workflowId} did not finish within ${timeoutMs / 1000} s.`,
			);
	}
	return summarise(await n8n.rest.getExecution(id), nodeName);
}

function summarise(execution: ExecutionDetail, nodeName: string): ExecutionResult {
	const data = decodeExecutionData(execution);
	const tasks = data.resultData.runData[nodeName] ?? [];
	const nodeMs = tasks.reduce(
		(sum, task) => sum + (Number((task as { executionTime?: number }).executionTime) || 0),
		0,
	);
	const outputItems = tasks[0]?.data?.main?.[0]?.length ?? 0;
	const message =
		data.resultData.error?.message ?? tasks.find((task) => task.error)?.error?.message;
	return {
		id: String(execution.id),
		status: execution.status,
		executionMs: Date.parse(String(execution.stoppedAt)) - Date.parse(String(execution.startedAt)),
		nodeMs,
		outputItems,
		error: message?.split('\n')[0],
	};
}

/**
 * Runs the trigger's poll() the way n8n does, through n8n-core's real PollContext:
 * - trigger mode: as PollTriggerExecutor does on each tick (TriggersAndPollers.runPollFunction in
 *   the poll staging scope; a result is emitted, an error reported, a null commits the cursor);
 * - manual mode ("Fetch Test Event"): through WorkflowExecute, which builds its own manual PollContext.
 * Static data lives on a real Workflow object between polls, as it does while a workflow is active;
 * restart() reloads it from a JSON round trip, as n8n does after a restart.
 */
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import {
	commitStagedCursor,
	ExecutionLifecycleHooks,
	PollContext,
	runPollInStagingScope,
	TriggersAndPollers,
} from 'n8n-core';

import { AgentiveVoiceTrigger } from './nodes';
import { additionalDataFor, runWorkflow, type Credentials } from './engine';
import { nodeTypes, PACKAGE, registerNodeType } from './node-types';

export const TRIGGER_NODE_TYPE = `${PACKAGE}.agentiveVoiceTrigger`;
export const TRIGGER_NODE_NAME = 'Agentive Voice Trigger';
registerNodeType(TRIGGER_NODE_TYPE, new AgentiveVoiceTrigger());
const WORKFLOW_ID = 'trigger-test-workflow';

export interface PollOutcome {
	/** The emitted items' json (empty when the poll returned null or failed). */
	calls: IDataObject[];
	/** Whether poll() returned data (n8n would start an execution). */
	emitted: boolean;
	/** The error poll() threw (n8n would report it through __emitError). */
	error?: Error;
}

export interface TriggerHarnessOptions {
	parameters: IDataObject;
	credentials: Credentials;
	/** Initial workflow static data, e.g. from a saved workflow. */
	staticData?: IDataObject;
	/**
	 * What getPollBudgetMs() returns (n8n-core's PollContext defaults to 5 minutes); null: the
	 * method is absent, as on n8n 1.x.
	 */
	pollBudgetMs?: number | null;
}

/** The node as n8n stores it: parameters with the defaults the editor fills in. */
function triggerNode(parameters: IDataObject): INode {
	const description = new AgentiveVoiceTrigger().description;
	const node: INode = {
		id: 'trigger',
		name: TRIGGER_NODE_NAME,
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { agentiveVoiceApi: { id: '1', name: 'Agentive Voice account' } },
	};
	node.parameters =
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters as INodeParameters,
			true,
			false,
			node,
			description,
		) ?? {};
	return node;
}

/** PollContext's optional arguments up to getPollBudgetMs: n8n's defaults, then the budget if given. */
function pollBudgetArguments(budgetMs: number | null | undefined) {
	const defaults = [undefined, undefined, undefined, undefined, undefined] as const;
	return typeof budgetMs === 'number' ? ([...defaults, () => budgetMs] as const) : ([] as const);
}

export class TriggerHarness {
	private workflow!: Workflow;
	private node: INode;
	/** n8n builds one poll context per activation and passes it to every poll of that activation. */
	private context!: PollContext;
	private readonly pollers = new TriggersAndPollers();

	constructor(private readonly options: TriggerHarnessOptions) {
		this.node = triggerNode(options.parameters);
		this.activate(options.staticData, 'activate');
	}

	private activate(staticData: IDataObject | undefined, activation: WorkflowActivateMode): void {
		this.workflow = new Workflow({
			id: WORKFLOW_ID,
			name: 'trigger test',
			nodes: [this.node],
			connections: {},
			nodeTypes,
			active: true,
			staticData,
			settings: { executionOrder: 'v1' },
		});
		const hooks = new ExecutionLifecycleHooks('trigger', 'poll', this.workflow as never);
		// __emit/__emitError stay n8n's defaults: poll() below records the outcome itself, so that
		// overlapping polls of one context each get their own.
		this.context = new PollContext(
			this.workflow,
			this.node,
			additionalDataFor(this.options.credentials, hooks),
			'trigger',
			activation,
			...pollBudgetArguments(this.options.pollBudgetMs),
		);
		if (this.options.pollBudgetMs === null) Reflect.deleteProperty(this.context, 'getPollBudgetMs');
	}

	/** Changes parameters as a user editing the active workflow would (n8n reactivates it); static data is kept. */
	setParameters(parameters: IDataObject): void {
		this.node = triggerNode(parameters);
		this.activate(this.savedStaticData(), 'update');
	}

	/** The workflow's static data as n8n would save it. */
	savedStaticData(): IDataObject {
		return JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
	}

	/** The trigger node's own static data (live object). */
	nodeStaticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** n8n restarts: the workflow is rebuilt from its saved (JSON) static data. */
	restart(staticData: IDataObject = this.savedStaticData()): void {
		this.activate(staticData, 'init');
	}

	/**
	 * One scheduled poll tick, as PollTriggerExecutor runs it: in the staging scope, a result is
	 * handed to __emit (recorded here), a null commits the staged cursor, an error goes to __emitError.
	 */
	async poll(): Promise<PollOutcome> {
		const context = this.context;
		let emittedData: INodeExecutionData[][] | undefined;
		let reported: Error | undefined;
		try {
			await runPollInStagingScope(context, async () => {
				const response = await this.pollers.runPollFunction(this.workflow, this.node, context);
				if (response !== null) emittedData = response;
				else await commitStagedCursor(context);
			});
		} catch (error) {
			reported = error as Error;
		}
		return {
			calls: (emittedData?.[0] ?? []).map((item) => item.json),
			emitted: emittedData !== undefined,
			error: reported,
		};
	}

	/** The editor's "Fetch Test Event": a manual execution of the trigger node. */
	async fetchTestEvent(): Promise<{
		calls: IDataObject[];
		error?: Error;
		staticDataAfter: IDataObject;
	}> {
		const staticData = this.savedStaticData();
		const result = await runWorkflow(
			{ nodes: [this.node], connections: {}, staticData },
			this.options.credentials,
		);
		const taskError = result.run.data.resultData.runData[TRIGGER_NODE_NAME]?.[0]?.error;
		return {
			calls: result.output(TRIGGER_NODE_NAME).map((item) => item.json),
			error: (taskError ?? result.error) as Error | undefined,
			staticDataAfter: JSON.parse(JSON.stringify(staticData)) as IDataObject,
		};
	}
}

import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { triggerProperties } from './poll/description';
import { latestFinishedCall, listCalls } from './poll/fetchCalls';
import { acquireLease, releaseLease } from './poll/lease';
import { reconcile } from './poll/reconcile';
import { readSettings } from './poll/settings';
import { listingPlan, readState, STATE_KEY } from './poll/state';

export class AgentiveVoiceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agentive Voice Trigger',
		name: 'agentiveVoiceTrigger',
		icon: {
			light: 'file:../shared/agentiveVoice.svg',
			dark: 'file:../shared/agentiveVoice.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Finished calls: " + ($parameter["events"] || []).join(", ")}}',
		description:
			'Starts the workflow when an Agentive Voice call finishes: completed, failed or missed',
		defaults: { name: 'Agentive Voice Trigger' },
		credentials: [{ name: 'agentiveVoiceApi', required: true }],
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: triggerProperties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readSettings(this);
		if (this.getMode() === 'manual') {
			// A sample to map fields from, however old; a test fetch writes no state.
			const sample = await latestFinishedCall(this, settings);
			if (sample) return [[{ json: sample }]];
			const message = 'No finished call matches these events and filters yet';
			const description =
				'Place a call (for example with the Agentive Voice node), wait for it to finish, then fetch again.';
			// itemIndex 0: the test event's one item.
			throw new NodeOperationError(this.getNode(), message, { description, itemIndex: 0 });
		}

		const staticData = this.getWorkflowStaticData('node');
		if (!acquireLease(staticData)) return null; // the previous poll is still running
		try {
			const previous = readState(staticData, settings);
			const listing = await listCalls(this, settings, listingPlan(previous, settings));
			// Reached only when every page arrived: a failed poll leaves the state as it was.
			const { state, finished } = reconcile(previous, listing, settings);
			staticData[STATE_KEY] = state;
			return finished.length > 0 ? [finished.map((call) => ({ json: call }))] : null;
		} finally {
			releaseLease(staticData);
		}
	}
}

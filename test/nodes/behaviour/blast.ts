/** What the blast scenarios share: the node's write operations, and who got how many calls. */
import type { IDataObject } from 'n8n-workflow';

import type { RunningSandbox } from '../../../sandbox';
import type { NodeRunResult } from '../../harness/engine';

/** Call › Place (Audio Blast, audio 12) to each item's `number`. */
export const placeCall = (extra: IDataObject = {}): IDataObject => ({
	resource: 'call',
	operation: 'place',
	callType: 'audio_blast',
	number: '={{ $json.number }}',
	audioId: 12,
	...extra,
});

/** Campaign › Trigger (campaign 57) for each item's `number`. */
export const triggerCampaign = (extra: IDataObject = {}): IDataObject => ({
	resource: 'campaign',
	operation: 'trigger',
	campaign: { __rl: true, mode: 'id', value: '57' },
	number: '={{ $json.number }}',
	...extra,
});

/** How many calls each recipient got, by national number. */
export function callsPerNumber(s: RunningSandbox): Map<string, number> {
	const counts = new Map<string, number>();
	for (const call of s.control.calls()) {
		const national = String(call.to_number).slice(-10);
		counts.set(national, (counts.get(national) ?? 0) + 1);
	}
	return counts;
}

/** The execution hints n8n shows in the output pane of the Agentive Voice node. */
export function hintsOf(result: NodeRunResult): string[] {
	const task = result.run.data.resultData.runData['Agentive Voice']?.[0] as
		| { hints?: Array<{ message: string }> }
		| undefined;
	return (task?.hints ?? []).map((hint) => hint.message);
}

/**
 * The execution hint that tells the user, in the editor's output pane, which items the node did
 * not dial again and why (n8n's own nodes use execution hints for such notes).
 */
import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { nodeRunMemory, type NodeRunMemory, type ReuseReason } from './runMemory';

const items = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** "try 1", "tries 1 and 2", "tries 1, 2 and 3", with how many each placed when more than one. */
function byTries(memory: NodeRunMemory): string {
	const tries = [...memory.reusedByTry].sort(([a], [b]) => a - b);
	if (tries.length <= 1) return `try ${tries[0]?.[0] ?? 1}`;
	const parts = tries.map(([tryNumber, count]) => `${tryNumber} (${count})`);
	return `tries ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function sentence(reason: ReuseReason, count: number, memory: NodeRunMemory): string {
	switch (reason) {
		case 'earlierTry':
			return `${items(count, 'item was', 'items were')} placed by ${byTries(memory)} of this node (Retry On Fail; this is try ${memory.tryNumber}) and not dialled again.`;
		case 'retriedExecution':
			return `${items(count, 'item was', 'items were')} placed by the execution this retry continues and not dialled again.`;
		case 'crashedExecution':
			return `${items(count, 'item was', 'items were')} placed by the crashed execution this retry continues and not dialled again.`;
		case 'recentCall':
			return `${items(count, 'number was', 'numbers were')} called by this node within Options › Skip Numbers Called Within and skipped.`;
		case 'sentEarlierInExecution':
			return `${items(count, 'code was', 'codes were')} already pending from earlier in this execution; no second code was sent.`;
		case 'answeredEarlier':
			return `${items(count, 'code was', 'codes were')} answered before (an earlier try, or the execution this retry continues); no attempt was used again.`;
	}
}

/** Adds one hint naming every reason this try did not dial an item, if there was any. */
export function addReuseHint(ctx: IExecuteFunctions): void {
	const memory = nodeRunMemory(ctx);
	if (memory.reused.size === 0 || typeof ctx.addExecutionHints !== 'function') return;
	const message = [...memory.reused]
		.map(([reason, count]) => sentence(reason, count, memory))
		.join(' ');
	const hint: NodeExecutionHint = { message, location: 'outputPane', type: 'info' };
	ctx.addExecutionHints(hint);
}

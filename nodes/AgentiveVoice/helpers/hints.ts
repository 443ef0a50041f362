/**
 * The execution hint that tells the user, in the editor's output pane, which items the node did
 * not dial again and why (n8n's own nodes use execution hints for such notes).
 */
import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { nodeRunMemory, type ReuseReason } from './runMemory';

const items = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

function sentence(reason: ReuseReason, count: number, tryNumber: number): string {
	switch (reason) {
		case 'earlierTry':
			return `${items(count, 'item was', 'items were')} placed by an earlier try of this node (Retry On Fail; this is try ${tryNumber}) and not dialled again.`;
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
		.map(([reason, count]) => sentence(reason, count, memory.tryNumber))
		.join(' ');
	const hint: NodeExecutionHint = { message, location: 'outputPane', type: 'info' };
	ctx.addExecutionHints(hint);
}

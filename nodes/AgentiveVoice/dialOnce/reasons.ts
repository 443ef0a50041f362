/**
 * Why an item was not sent again: one row per reason, with everything the user sees of it (the
 * `placedBy` value is the key, the marker and `details` on the output, the hint sentence).
 */
import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { openLedgerOf, type RunLedger } from './ledger';

export type ReuseReason =
	| 'earlierTry'
	| 'retriedExecution'
	| 'crashedExecution'
	| 'recentCall'
	| 'sentEarlierInExecution'
	| 'answeredEarlier';

const counted = (count: number, noun: string) =>
	`${count} ${noun}${count === 1 ? ' was' : 's were'}`;
const notAgain = (noun: string, by: string) => (n: number) =>
	`${counted(n, noun)} ${by} and not dialled again.`;

interface Reason {
	/** The boolean marker the output carries besides `placedBy`. */
	marker:
		| 'placedBeforeRetry'
		| 'skippedRecentCall'
		| 'sentEarlierInExecution'
		| 'answeredBeforeRetry';
	details: string;
	hint: (count: number, ledger: RunLedger) => string;
}

export const REASONS: Record<ReuseReason, Reason> = {
	earlierTry: {
		marker: 'placedBeforeRetry',
		details: 'Placed by an earlier try of this node (Retry On Fail); not dialled again.',
		hint: (n, ledger) =>
			notAgain(
				'item',
				`placed by ${byTries(ledger)} of this node (Retry On Fail; this is try ${ledger.tryNumber})`,
			)(n),
	},
	retriedExecution: {
		marker: 'placedBeforeRetry',
		details: 'Placed before this retry; not dialled again.',
		hint: notAgain('item', 'placed by the execution this retry continues'),
	},
	crashedExecution: {
		marker: 'placedBeforeRetry',
		details: 'Placed by the crashed execution this retry continues; not dialled again.',
		hint: notAgain('item', 'placed by the crashed execution this retry continues'),
	},
	recentCall: {
		marker: 'skippedRecentCall',
		details:
			'This node already called the number within Options › Skip Numbers Called Within; not dialled again.',
		hint: (n) =>
			`${counted(n, 'number')} called by this node within Options › Skip Numbers Called Within and skipped.`,
	},
	sentEarlierInExecution: {
		marker: 'sentEarlierInExecution',
		details:
			'A code sent to this number earlier in this execution is still pending; no second code was sent.',
		hint: (n) =>
			`${counted(n, 'code')} already pending from earlier in this execution; no second code was sent.`,
	},
	answeredEarlier: {
		marker: 'answeredBeforeRetry',
		details: 'Answered before this retry; no attempt was used.',
		hint: (n) =>
			`${counted(n, 'code')} answered before (an earlier try, or the execution this retry continues); no attempt was used again.`,
	},
};

/** "try 1", "tries 1 and 2", "tries 1, 2 and 3", with how many each placed when more than one. */
function byTries(ledger: RunLedger): string {
	const tries = [...ledger.reusedByTry].sort(([a], [b]) => a - b);
	if (tries.length <= 1) return `try ${tries[0]?.[0] ?? 1}`;
	const parts = tries.map(([tryNumber, count]) => `${tryNumber} (${count})`);
	return `tries ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * The execution hint that tells the user, in the editor's output pane, which items the node did
 * not send again and why (n8n's own nodes use execution hints for such notes).
 */
export function addReuseHint(ctx: IExecuteFunctions): void {
	const ledger = openLedgerOf(ctx);
	if (!ledger || ledger.reused.size === 0 || typeof ctx.addExecutionHints !== 'function') return;
	const message = [...ledger.reused]
		.map(([reason, count]) => REASONS[reason].hint(count, ledger))
		.join(' ');
	const hint: NodeExecutionHint = { message, location: 'outputPane', type: 'info' };
	ctx.addExecutionHints(hint);
}

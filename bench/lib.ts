/** Shared pieces of the transport benchmark: batches through the real engine, the other client, metrics. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { LoggedRequest } from '../sandbox';
import { apiCredentials, runActionNode } from '../test/harness/engine';

export interface Batch {
	/** Output items of the node, one per input item. */
	items: INodeExecutionData[];
	/** The node's own execution time (ms), as WorkflowExecute measured it. */
	nodeMs: number;
	failed: number;
}

/** Distinct, valid Indian mobile numbers (98xxxxxxxx), none of them a sandbox magic number. */
export function numbers(count: number, offset = 0): string[] {
	return Array.from({ length: count }, (_, i) => `98${String(offset + i).padStart(8, '0')}`);
}

export const PLACE_CALL: IDataObject = {
	resource: 'call',
	operation: 'place',
	callType: 'audio_blast',
	number: '={{ $json.number }}',
	audioId: 12,
	referenceId: '={{ $json.ref }}',
};

export const SEND_CODE: IDataObject = {
	resource: 'verification',
	operation: 'sendCode',
	number: '={{ $json.number }}',
	referenceId: '={{ $json.ref }}',
};

/** Runs `Items → Agentive Voice` once with continueOnFail, so every item reports success or failure. */
export async function runBatch(
	server: { url: string; apiKey: string; apiSecret: string },
	parameters: IDataObject,
	items: IDataObject[],
): Promise<Batch> {
	const result = await runActionNode({
		parameters,
		items,
		credentials: apiCredentials(server),
		continueOnFail: true,
	});
	if (result.error) throw new Error(`The workflow failed: ${result.error.message}`);
	const task = result.run.data.resultData.runData['Agentive Voice']?.[0];
	const failed = result.items.filter((item) => item.json.error !== undefined).length;
	return { items: result.items, nodeMs: task?.executionTime ?? Number.NaN, failed };
}

export function batchItems(count: number, tag: string, offset = 0): IDataObject[] {
	return numbers(count, offset).map((number, i) => ({ number, ref: `${tag}-${i}` }));
}

/** Another system on the same account (GET /account at a steady rate, 429s only counted). */
export { startOtherClient } from './n8n/sandbox-http';

/**
 * Solo "% of the rate-limit ceiling". With a fixed window of `limit` requests per `windowMs` and
 * the first window starting full, the limit lets request k·limit go no earlier than k windows
 * after request 0. The ceiling time for N requests is therefore K·W, K = floor((N-1)/limit); the
 * achieved time is from request 0 to request K·limit, as the sandbox received them. The figure
 * is ceiling time / achieved time: 100% means every window was opened the moment it could be.
 */
export function ceilingPercent(
	log: LoggedRequest[],
	limit: number,
	windowMs: number,
): { percent: number; idealMs: number; actualMs: number } {
	const times = log.map((entry) => entry.at).sort((a, b) => a - b);
	const windows = Math.floor((times.length - 1) / limit);
	const idealMs = windows * windowMs;
	const actualMs = times[windows * limit] - times[0];
	return { percent: windows === 0 ? 100 : (idealMs / actualMs) * 100, idealMs, actualMs };
}

interface WindowTally {
	start: number;
	ours: number;
	otherAccepted: number;
	otherRejected: number;
}

/**
 * Shared "% of the budget left by the other client". The sandbox's fixed windows are rebuilt from
 * its log (a window opens at the first request at or after the previous window's end; every
 * request counts, as in the sandbox). In each window the other client leaves `limit - its accepted
 * requests`; the figure is our accepted requests over that, summed over the windows from our first
 * request up to, not including, the window of our last request (where we ran out of work).
 */
export function sharedPercent(
	log: LoggedRequest[],
	isOurs: (entry: LoggedRequest) => boolean,
	limit: number,
	windowMs: number,
): { percent: number; windows: WindowTally[]; otherRejected: number } {
	const entries = [...log].sort((a, b) => a.at - b.at);
	const windows: WindowTally[] = [];
	let current: WindowTally | undefined;
	for (const entry of entries) {
		if (!current || entry.at >= current.start + windowMs) {
			current = { start: entry.at, ours: 0, otherAccepted: 0, otherRejected: 0 };
			windows.push(current);
		}
		if (isOurs(entry)) {
			if (entry.status !== 429) current.ours += 1;
		} else if (entry.status === 429) current.otherRejected += 1;
		else current.otherAccepted += 1;
	}
	const first = windows.findIndex((window) => window.ours > 0);
	let last = -1;
	windows.forEach((window, index) => {
		if (window.ours > 0) last = index;
	});
	const counted = windows.slice(first, last);
	const ours = counted.reduce((sum, window) => sum + window.ours, 0);
	const left = counted.reduce((sum, window) => sum + (limit - window.otherAccepted), 0);
	const otherRejected = windows
		.slice(first, last + 1)
		.reduce((sum, window) => sum + window.otherRejected, 0);
	return { percent: left === 0 ? 100 : (ours / left) * 100, windows: counted, otherRejected };
}

export const fixed = (value: number, digits = 1) => value.toFixed(digits);

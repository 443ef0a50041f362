/**
 * Edits the e2e suites make to the example workflows before importing them, as a user tuning a copy
 * would, and a small wait helper. Shared by the reconcile suites (data table, Google Sheets).
 */
import type { WorkflowImport } from './n8n';
import { sleep } from './proc';

/** Every 10 s: six poll times, each a fixed second of every minute (n8n refuses a sub-minute cron). */
export const POLL_EVERY_10_S = {
	item: [0, 10, 20, 30, 40, 50].map((second) => ({
		mode: 'custom',
		cronExpression: `${second} * * * * *`,
	})),
};

export type ExampleNode = Record<string, unknown> & {
	name: string;
	parameters: Record<string, unknown>;
};

export function nodeOf(workflow: WorkflowImport, name: string): ExampleNode {
	const node = (workflow.nodes as ExampleNode[]).find((n) => n.name === name);
	if (!node) throw new Error(`${workflow.id} has no node "${name}"`);
	return node;
}

/** A copy whose trigger "Finished calls" polls every 10 s instead of every minute. */
export function withShortPolls(workflow: WorkflowImport): WorkflowImport {
	const copy = structuredClone(workflow);
	nodeOf(copy, 'Finished calls').parameters.pollTimes = POLL_EVERY_10_S;
	return copy;
}

/** Probes once a second until it returns a value. */
export async function until<T>(
	what: string,
	timeoutMs: number,
	probe: () => Promise<T | undefined>,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s: ${what}`);
		await sleep(1000);
	}
}

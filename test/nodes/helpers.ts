/** Helpers for the action-node tests: a sandbox per suite, and the node run through the engine. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { LoggedRequest, RunningSandbox, SandboxOptions } from '../../sandbox';
import { apiCredentials, runActionNode, type NodeRunResult } from '../harness/engine';
import { useSandbox as useSuiteSandbox } from '../harness/sandbox';

export { SANDBOX_START_MS as START_MS } from '../harness/sandbox';

/**
 * The suite's sandbox (test/harness/sandbox.ts) with the rate limit off unless asked, so that
 * pacing never slows a behaviour test.
 */
export function useSandbox(options: SandboxOptions = {}): () => RunningSandbox {
	return useSuiteSandbox({ rateLimit: false, ...options });
}

export interface RunOptions {
	items?: IDataObject[];
	continueOnFail?: boolean;
	errorOutput?: boolean;
	/** Credentials other than the sandbox's demo account (e.g. a wrong secret). */
	credentials?: { url: string; apiKey: string; apiSecret: string; allowInsecureHttp?: boolean };
}

/** Runs Items → Agentive Voice against the sandbox with the given node parameters. */
export async function runNode(
	sandbox: RunningSandbox,
	parameters: Record<string, unknown>,
	options: RunOptions = {},
): Promise<NodeRunResult> {
	return await runActionNode({
		parameters: parameters as IDataObject,
		items: options.items,
		continueOnFail: options.continueOnFail,
		errorOutput: options.errorOutput,
		credentials: apiCredentials(options.credentials ?? sandbox),
	});
}

export function jsonOf(items: INodeExecutionData[]): IDataObject[] {
	return items.map((item) => item.json);
}

/** The error the node failed with, as n8n recorded it (message, description, context, …). */
export interface RecordedError {
	name?: string;
	message: string;
	description?: string | null;
	httpCode?: string | null;
	context?: IDataObject;
	[key: string]: unknown;
}

export function nodeErrorOf(result: NodeRunResult): RecordedError {
	const error = (result.nodeError ?? result.error) as RecordedError | undefined;
	if (!error)
		throw new Error(`Expected the node to fail; it output ${JSON.stringify(jsonOf(result.items))}`);
	return error;
}

/** API requests the sandbox received (control routes are not logged). */
export function apiRequests(
	sandbox: RunningSandbox,
	method?: string,
	path?: string,
): LoggedRequest[] {
	return sandbox.control
		.requestLog()
		.filter(
			(entry) =>
				(method === undefined || entry.method === method) &&
				(path === undefined || entry.path === path),
		);
}

/** The JSON body of the only request sent to `method path`. */
export function onlyBody(sandbox: RunningSandbox, method: string, path: string): IDataObject {
	const requests = apiRequests(sandbox, method, path);
	expect(requests).toHaveLength(1);
	return requests[0].body as IDataObject;
}

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { endTry } from '../dialOnce';
import * as account from './account/Account.resource';
import * as call from './call/Call.resource';
import * as campaign from './campaign/Campaign.resource';
import type { AgentiveVoiceMap, AgentiveVoiceResource } from './node.type';
import * as verification from './verification/Verification.resource';

type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<INodeExecutionData[]>;

const operations: {
	[R in AgentiveVoiceResource]: Record<AgentiveVoiceMap[R], { execute: OperationExecute }>;
} = {
	account,
	call,
	campaign,
	verification,
};

function lookup(ctx: IExecuteFunctions, resource: string, operation: string): OperationExecute {
	const byResource = operations[resource as AgentiveVoiceResource] as
		| Record<string, { execute: OperationExecute }>
		| undefined;
	const found = byResource?.[operation];
	if (!found) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return found.execute;
}

/** Every failure leaves the node as a NodeApiError or NodeOperationError that names its item. */
function asItemError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/**
 * The error item that continueOnFail emits: the message (which carries the HTTP code) and the advice,
 * nothing from the request. Only the keys `error` and `details` are used, because n8n routes an item
 * to the error output of "Continue (using error output)" only when its JSON has no other keys.
 */
function errorJson(error: NodeApiError | NodeOperationError): IDataObject {
	const json: IDataObject = { error: error.message };
	if (error.description) json.details = error.description;
	return json;
}

/**
 * Owns the item loop: one operation call per item, pairedItem on every output, and what
 * continueOnFail (read once by execute()) does with a failed item.
 */
export async function router(
	this: IExecuteFunctions,
	continueOnFail: boolean,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = lookup(this, resource, operation);
	const returnData: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const output = await execute.call(this, itemIndex);
			for (const entry of output) returnData.push({ ...entry, pairedItem: { item: itemIndex } });
		} catch (error) {
			const failure = asItemError(this, error, itemIndex);
			if (!continueOnFail) throw failure;
			returnData.push({ json: errorJson(failure), pairedItem: { item: itemIndex } });
		}
	}
	endTry(this);
	return [returnData];
}

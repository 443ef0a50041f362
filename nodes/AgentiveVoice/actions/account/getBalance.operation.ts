import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import { requestSettings } from '../../helpers/requestOptions';
import { apiRequest } from '../../../shared/transport';
import type { Envelope } from '../../../shared/transport';
import { operationFields, readOptionsField } from '../common.descriptions';

export const description: INodeProperties[] = operationFields('account', 'getBalance', [
	readOptionsField(),
]);

interface AccountEnvelope extends Envelope {
	data: { balance_inr: number; currency: string };
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const settings = requestSettings(new ItemParameters(this, itemIndex));
	const body = await apiRequest<AccountEnvelope>(this, {
		method: 'GET',
		path: '/account',
		itemIndex,
		...settings,
	});
	return [{ json: { balance_inr: body.data.balance_inr, currency: body.data.currency } }];
}

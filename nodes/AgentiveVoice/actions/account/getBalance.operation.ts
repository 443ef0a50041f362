import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { apiRequest } from '../../transport';
import type { Envelope } from '../../transport';

export const description: INodeProperties[] = [];

interface AccountEnvelope extends Envelope {
	data: { balance_inr: number; currency: string };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const body = await apiRequest<AccountEnvelope>(this, { method: 'GET', path: '/account', itemIndex });
	return [{ json: { balance_inr: body.data.balance_inr, currency: body.data.currency } }];
}

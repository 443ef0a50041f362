import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import { requestSettings } from '../../helpers/requestOptions';
import { apiRequest } from '../../../shared/transport';
import type { Envelope } from '../../../shared/transport';
import { operationFields, readOptionsField } from '../common.descriptions';

export const description: INodeProperties[] = operationFields('call', 'getStatus', [
	{
		displayName: 'Unique ID',
		name: 'uniqueId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'run_4821',
		description:
			'The unique_id returned when the call was placed (run_4821) or when a code was sent (the verification request ID)',
	},
	readOptionsField(),
]);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this, itemIndex);
	const uniqueId = params.resourceId('uniqueId', 'Unique ID');
	const settings = requestSettings(params);
	const response = await apiRequest<Envelope>(this, {
		method: 'GET',
		path: `/calls/${encodeURIComponent(uniqueId)}`,
		itemIndex,
		...settings,
	});
	return [{ json: response }];
}

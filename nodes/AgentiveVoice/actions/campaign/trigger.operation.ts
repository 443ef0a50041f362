import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import {
	placementReferenceId,
	readOptions,
	requestSettings,
	skipCalledWithinMinutes,
} from '../../helpers/requestOptions';
import { placeOnce } from '../../dialOnce';
import { apiRequest } from '../../../shared/transport';
import type { Envelope } from '../../../shared/transport';
import {
	numberField,
	operationFields,
	placementOptionsField,
	referenceIdField,
} from '../common.descriptions';

export const description: INodeProperties[] = operationFields('campaign', 'trigger', [
	{
		displayName: 'Campaign',
		name: 'campaign',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description:
			'The saved Audio Blast or Press 1 campaign to run for one number. Verification campaigns are sent with Verification › Send Code instead.',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchTriggerableCampaigns', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '57',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^\\s*[0-9]+\\s*$',
							errorMessage: 'A campaign ID is a whole number, e.g. 57',
						},
					},
				],
			},
		],
	},
	numberField('The recipient to call.'),
	referenceIdField(
		'Your own key for this call, such as a lead ID. It is echoed back, appears in webhooks, and lets a lost response be resolved without calling twice.',
	),
	placementOptionsField(true),
]);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this, itemIndex);
	const id = params.resourceLocatorNumber('campaign', 'Campaign', 1);
	const number = params.mobileNumber('number');
	const options = readOptions(params);
	const settings = requestSettings(params, options);
	const referenceId = placementReferenceId(params, options);

	const response = await placeOnce(
		this,
		itemIndex,
		{ referenceId, number, skipCalledWithinMinutes: skipCalledWithinMinutes(options) },
		async () =>
			await apiRequest<Envelope>(this, {
				method: 'POST',
				path: `/campaigns/${id}/trigger`,
				body: { number, ...(referenceId === undefined ? {} : { reference_id: referenceId }) },
				itemIndex,
				...settings,
				retry: 'placement',
				placement: { number, referenceId },
			}),
	);
	return [{ json: response }];
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import { requestSettings } from '../../helpers/requestOptions';
import type { CampaignObject } from '../../../shared/types';
import { CAMPAIGN_TYPES } from '../../../shared/types';
import { dataArray } from '../../../shared/apiFacts';
import { apiRequest } from '../../../shared/transport';
import type { ListEnvelope } from '../../../shared/transport';
import { readOptionsField, returnAllFields, showFor } from '../common.descriptions';

const show = showFor('campaign', ['getMany']);

const TYPE_LABELS: Record<(typeof CAMPAIGN_TYPES)[number], string> = {
	audio_blast: 'Audio Blast',
	otp: 'Verification Code (OTP)',
	press1: 'Press 1',
};

export const description: INodeProperties[] = [
	...returnAllFields(show),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Types',
				name: 'types',
				type: 'multiOptions',
				options: CAMPAIGN_TYPES.map((value) => ({ name: TYPE_LABELS[value], value })),
				default: [],
				description: 'Only campaigns of these types. Audio Blast and Press 1 campaigns can be triggered.',
			},
		],
	},
	readOptionsField(show),
];

function typeFilter(params: ItemParameters): string[] | undefined {
	const filters = params.collection('filters', 'Filters');
	const types = filters.value('types');
	if (types === undefined || types === null || (Array.isArray(types) && types.length === 0)) return undefined;
	const list = Array.isArray(types) ? types : [types];
	for (const type of list) {
		if (!(CAMPAIGN_TYPES as readonly unknown[]).includes(type)) {
			throw filters.invalid('Types', type, `one of ${CAMPAIGN_TYPES.join(', ')}`);
		}
	}
	return list as string[];
}

/** One output item per campaign on the account. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this, itemIndex);
	const returnAll = params.flag('returnAll');
	const limit = returnAll ? undefined : params.wholeNumber('limit', 'Limit', 1);
	const types = typeFilter(params);
	const settings = requestSettings(params);
	const body = await apiRequest<ListEnvelope<CampaignObject>>(this, {
		method: 'GET',
		path: '/campaigns',
		itemIndex,
		...settings,
	});
	const campaigns = dataArray<CampaignObject>(body).filter(
		(campaign) => types === undefined || types.includes(campaign.type),
	);
	return campaigns.slice(0, limit).map((campaign) => ({ json: campaign }));
}

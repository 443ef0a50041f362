import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import { requestSettings } from '../../helpers/requestOptions';
import type { CampaignObject } from '../../../shared/types';
import { CAMPAIGN_TYPES } from '../../../shared/types';
import { dataArray } from '../../../shared/apiFacts';
import { apiRequest } from '../../../shared/transport';
import type { ListEnvelope } from '../../../shared/transport';
import { getManyFields, operationFields } from '../common.descriptions';

const TYPE_LABELS: Record<(typeof CAMPAIGN_TYPES)[number], string> = {
	audio_blast: 'Audio Blast',
	otp: 'Verification Code (OTP)',
	press1: 'Press 1',
};

export const description: INodeProperties[] = operationFields(
	'campaign',
	'getMany',
	getManyFields([
		{
			displayName: 'Types',
			name: 'types',
			type: 'multiOptions',
			options: CAMPAIGN_TYPES.map((value) => ({ name: TYPE_LABELS[value], value })),
			default: [],
			description:
				'Only campaigns of these types. Audio Blast and Press 1 campaigns can be triggered.',
		},
	]),
);

function typeFilter(params: ItemParameters): string[] | undefined {
	const types = params.collection('filters', 'Filters').listOf('types', 'Types', CAMPAIGN_TYPES);
	return types.length === 0 ? undefined : types;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this, itemIndex);
	const limit = params.limit();
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

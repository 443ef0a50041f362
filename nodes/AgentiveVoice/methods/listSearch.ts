import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import type { CampaignObject } from '../../shared/types';
import { TRIGGERABLE_CAMPAIGN_TYPES } from '../../shared/types';
import { dataArray } from '../../shared/apiFacts';
import { apiRequest } from '../../shared/transport';
import type { ListEnvelope } from '../../shared/transport';

const TYPE_LABELS: Record<string, string> = { audio_blast: 'Audio Blast', press1: 'Press 1' };

function label(campaign: CampaignObject): string {
	const state = campaign.status && campaign.status !== 'active' ? `, ${campaign.status}` : '';
	return `${campaign.name} (${TYPE_LABELS[campaign.type] ?? campaign.type}${state}, #${campaign.id})`;
}

/** The campaigns Campaign › Trigger can run (OTP campaigns use the OTP endpoints), by name or id. */
export async function searchTriggerableCampaigns(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const body = await apiRequest<ListEnvelope<CampaignObject>>(this, {
		method: 'GET',
		path: '/campaigns',
	});
	const needle = filter?.trim().toLowerCase() ?? '';
	const results: INodeListSearchItems[] = dataArray<CampaignObject>(body)
		.filter(
			(campaign) =>
				TRIGGERABLE_CAMPAIGN_TYPES.includes(campaign.type) &&
				(needle === '' ||
					String(campaign.name).toLowerCase().includes(needle) ||
					String(campaign.id) === needle),
		)
		.map((campaign) => ({ name: label(campaign), value: String(campaign.id) }));
	return { results };
}

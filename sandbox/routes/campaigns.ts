/** GET /campaigns and POST /campaigns/:id/trigger. */
import { placeCall } from '../domain/calls';
import { envelope, MESSAGES } from '../http/envelope';
import { jsonResponse, type Outgoing } from '../http/response';
import { CALL_MESSAGES } from './calls';
import { DEFAULT_DTMF_MAP, fail, referenceIdField, requireNumber } from './fields';
import type { ApiContext, ApiRequest, Route } from './types';

export const CAMPAIGN_MESSAGES = {
	listed: 'Campaigns retrieved.',
	notFound: 'Campaign not found.',
	otp: 'This is a verification-code campaign. Use the OTP endpoints to send a code.',
	notSingleNumber: 'This campaign type cannot be triggered for a single number.',
	noAudio: 'This campaign has no audio configured.',
} as const;

/** The API-visible types; dashboard-only types (ai_agent) are not listed, keeping `type` a closed set. */
const LISTED_TYPES: readonly string[] = ['audio_blast', 'press1', 'otp'];

function list(req: ApiRequest): Outgoing {
	const data = [...req.account.campaigns.values()]
		.filter((campaign) => LISTED_TYPES.includes(campaign.type))
		.map(({ id, name, type, status }) => ({ id, name, type, status }));
	return jsonResponse(
		200,
		envelope(200, CAMPAIGN_MESSAGES.listed, { referenceId: req.referenceId, extras: { data } }),
	);
}

/** The campaign is checked before the body, so a wrong id is a 404 whatever the body says. */
function trigger(req: ApiRequest, ctx: ApiContext): Outgoing {
	const { account } = req;
	const campaign = /^\d{1,9}$/.test(req.params.id)
		? account.campaigns.get(Number(req.params.id))
		: undefined;
	if (!campaign) fail(req, CAMPAIGN_MESSAGES.notFound, 404);
	if (campaign.type === 'otp') fail(req, CAMPAIGN_MESSAGES.otp);
	if (campaign.type !== 'audio_blast' && campaign.type !== 'press1')
		fail(req, CAMPAIGN_MESSAGES.notSingleNumber);
	if (campaign.audioId === null) fail(req, CAMPAIGN_MESSAGES.noAudio);
	const nationalNumber = requireNumber(req, req.body.number);
	const referenceId = referenceIdField(req);
	const dtmfMap = campaign.type === 'press1' ? { ...(campaign.dtmfMap ?? DEFAULT_DTMF_MAP) } : null;
	const call = placeCall(
		ctx.store,
		account,
		{
			type: campaign.type,
			nationalNumber,
			audioId: campaign.audioId,
			dtmfMap,
			callerId: account.defaultCallerId,
			referenceId,
			savedCampaignId: campaign.id,
		},
		req.now,
	);
	if (call === 'placement-error') fail(req, MESSAGES.placementFailed, 503);
	return jsonResponse(
		200,
		envelope(200, CALL_MESSAGES.queued, { uniqueId: call.uniqueId, referenceId }),
	);
}

export const campaignRoutes: Route[] = [
	{ method: 'GET', pattern: '/campaigns', handler: list },
	{ method: 'POST', pattern: '/campaigns/:id/trigger', handler: trigger },
];

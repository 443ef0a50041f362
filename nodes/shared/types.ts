import type { IDataObject } from 'n8n-workflow';

/** Filter values of GET /calls (spec: List calls, Status values). */
export const CALL_STATUSES = [
	'queued',
	'ringing',
	'in_progress',
	'completed',
	'missed',
	'failed',
] as const;
export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;

export interface CallObject extends IDataObject {
	unique_id: string;
	call_id: string | null;
	direction: string;
	from_number: string | null;
	to_number: string | null;
	status: string | null;
	end_reason: string | null;
	duration_sec: number | null;
	campaign_id: number | null;
	reference_id: string | null;
	created_at: string | null;
}

export const CAMPAIGN_TYPES = ['audio_blast', 'press1', 'otp'] as const;

/** Only these can be run for one number with POST /campaigns/:id/trigger. */
export const TRIGGERABLE_CAMPAIGN_TYPES: readonly string[] = ['audio_blast', 'press1'];

export interface CampaignObject extends IDataObject {
	id: number;
	name: string;
	type: string;
	status: string;
}

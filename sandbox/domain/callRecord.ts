/** A stored call and its public shape (the call object of GET /calls). */
import type { PublicCall } from '../types';
import { durationAt, endReasonAt, statusAt, type Timeline } from './lifecycle';

export type CallType = 'audio_blast' | 'press1' | 'otp';

export interface CallRecord {
	/** Insertion order; breaks ties between calls created in the same second. */
	seq: number;
	accountId: string;
	/** run_<campaignId> for API runs, else the call id. */
	uniqueId: string;
	callId: string;
	direction: 'inbound' | 'outbound';
	fromNumber: string | null;
	toNumber: string | null;
	/** The run number (the digits of run_N), per the spec's call object; null for non-run calls. */
	campaignId: number | null;
	referenceId: string | null;
	createdAt: number;
	/** Whole seconds: what created_at shows, and what ordering and from/to filters use. */
	createdSec: number;
	timeline: Timeline;
	hasRecording: boolean;
	/** Calls placed through the API are charged to the balance; seeded history is not. */
	billable: boolean;
	type: CallType | null;
	audioId: number | null;
	dtmfMap: Record<string, string> | null;
	/** The saved campaign a trigger ran, if any. */
	savedCampaignId: number | null;
	/** created_at as shown, formatted once (formatting per read dominated list time). */
	createdAtText: string;
}

export function toPublicCall(call: CallRecord, now: number): PublicCall {
	return {
		unique_id: call.uniqueId,
		call_id: call.callId,
		direction: call.direction,
		from_number: call.fromNumber,
		to_number: call.toNumber,
		status: statusAt(call.timeline, now),
		end_reason: endReasonAt(call.timeline, now),
		duration_sec: durationAt(call.timeline, now),
		campaign_id: call.campaignId,
		reference_id: call.referenceId,
		created_at: call.createdAtText,
	};
}

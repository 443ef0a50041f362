/** Placing calls and what they cost. */
import { randomUUID } from 'node:crypto';
import type { CallRecord, CallType } from './callRecord';
import { outcomeFor } from './lifecycle';
import { scriptedOutcome } from './outcomeScripts';
import { formatIst } from './time';
import type { Account, SandboxStore } from './store';

export interface PlaceCallInput {
	type: CallType;
	/** Ten national digits. */
	nationalNumber: string;
	audioId: number | null;
	dtmfMap: Record<string, string> | null;
	/** As displayed, e.g. 07965318581. */
	callerId: string;
	referenceId: string | null;
	savedCampaignId: number | null;
	/** For verification calls: the request id doubles as unique_id and call_id. */
	id?: string;
}

/** ₹ per started minute of talk time, charged when an answered call ends. */
export const RATE_PER_MINUTE_INR = 0.5;

/**
 * Creates a live call whose progress follows the recipient number's outcome, or 'placement-error'
 * (nothing is created). A scripted outcome for the number (see outcomeScripts.ts) comes first.
 */
export function placeCall(
	store: SandboxStore,
	account: Account,
	input: PlaceCallInput,
	now: number,
): CallRecord | 'placement-error' {
	const scripted = account.outcomeScripts.take(input.nationalNumber);
	const outcome =
		scripted === undefined
			? outcomeFor(input.nationalNumber)
			: scriptedOutcome(scripted, input.nationalNumber);
	if (outcome === 'placement-error') return 'placement-error';
	const isRun = input.id === undefined;
	const run = isRun ? store.nextRun() : null;
	const callId = input.id ?? randomUUID();
	const call: CallRecord = {
		seq: store.nextSeq(),
		accountId: account.fixture.id,
		uniqueId: run === null ? callId : `run_${run}`,
		callId,
		direction: 'outbound',
		fromNumber: input.callerId,
		toNumber: `+91${input.nationalNumber}`,
		campaignId: run,
		referenceId: input.referenceId,
		createdAt: now,
		createdAtText: formatIst(now),
		createdSec: Math.floor(now / 1000),
		timeline: outcome.timeline(now),
		hasRecording: outcome.hasRecording,
		billable: true,
		type: input.type,
		audioId: input.audioId,
		dtmfMap: input.dtmfMap,
		savedCampaignId: input.savedCampaignId,
	};
	account.calls.add(call);
	return call;
}

export function callCostInr(call: CallRecord, now: number): number {
	const { endAt, final, durationSec } = call.timeline;
	if (!call.billable || final !== 'completed' || endAt === null || now < endAt) return 0;
	return Math.ceil(durationSec / 60) * RATE_PER_MINUTE_INR;
}

/** The opening balance less the calls that have finished by now. */
export function balanceAt(account: Account, now: number): number {
	let spent = 0;
	for (const call of account.calls.newestFirst()) spent += callCostInr(call, now);
	return Math.round((account.fixture.balanceInr - spent) * 100) / 100;
}

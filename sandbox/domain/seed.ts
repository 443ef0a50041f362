/**
 * Seeding historic (or deliberately late) calls. Generated history is deterministic; explicit specs
 * are validated and throw SeedError with a readable message.
 */
import { randomUUID } from 'node:crypto';
import type { SeedCallSpec } from '../types';
import type { CallRecord } from './callRecord';
import {
	defaultDurationSec,
	defaultEndReason,
	isEndReason,
	isListStatus,
	makeTimeline,
	type EndReason,
	type FinalStatus,
	type ListStatus,
	type Timeline,
} from './lifecycle';
import { nationalDigits } from './numbers';
import { seededRandom } from './random';
import { sanitiseReferenceId } from './referenceId';
import type { Account, SandboxStore } from './store';
import { formatIst, parseIsoInstant } from './time';

export class SeedError extends Error {}

const DAY_MS = 86_400_000;
/** Generated history spreads over this many days before now. */
export const HISTORY_DAYS = 7;

const FINAL_FOR_REASON: Record<EndReason, FinalStatus> = {
	completed: 'completed',
	no_answer: 'missed',
	busy: 'failed',
	rejected: 'failed',
	canceled: 'failed',
	failed: 'failed',
};

export function seedCalls(
	store: SandboxStore,
	account: Account,
	specs: number | SeedCallSpec[],
	now: number,
): CallRecord[] {
	const list = typeof specs === 'number' ? generateSpecs(specs, now, store.nextSeq()) : specs;
	if (!Array.isArray(list)) throw new SeedError('Seed with a count or an array of call specs.');
	const runsInBatch = new Set<number>();
	const calls = list.map((spec, i) => buildCall(store, account, spec, i, now, runsInBatch));
	account.calls.addMany(calls);
	return calls;
}

function generateSpecs(count: number, now: number, salt: number): SeedCallSpec[] {
	if (!Number.isInteger(count) || count < 0 || count > 100_000)
		throw new SeedError('count must be a whole number from 0 to 100000.');
	const random = seededRandom(0x5eed ^ salt);
	const specs: SeedCallSpec[] = [];
	for (let i = 0; i < count; i++) {
		const roll = random();
		const [status, endReason]: [ListStatus, EndReason] =
			roll < 0.6
				? ['completed', 'completed']
				: roll < 0.75
					? ['missed', 'no_answer']
					: roll < 0.85
						? ['failed', 'busy']
						: roll < 0.9
							? ['failed', 'rejected']
							: roll < 0.95
								? ['failed', 'failed']
								: ['failed', 'canceled'];
		specs.push({
			number: randomMobile(random),
			direction: random() < 0.8 ? 'outbound' : 'inbound',
			status,
			end_reason: endReason,
			duration_sec: status === 'completed' ? 10 + Math.floor(random() * 290) : 0,
			created_at: now - 60_000 - Math.floor(random() * HISTORY_DAYS * DAY_MS),
			reference_id: random() < 0.5 ? `seed-${i + 1}` : undefined,
		});
	}
	// Oldest first, so run numbers grow with time like real ones.
	return specs.sort((a, b) => Number(a.created_at) - Number(b.created_at));
}

/** Never a magic number (those start 900000000). */
function randomMobile(random: () => number): string {
	for (;;) {
		const digits =
			String(6 + Math.floor(random() * 4)) + String(Math.floor(random() * 1e9)).padStart(9, '0');
		if (!digits.startsWith('900000000')) return digits;
	}
}

function buildCall(
	store: SandboxStore,
	account: Account,
	spec: SeedCallSpec,
	index: number,
	now: number,
	runsInBatch: Set<number>,
): CallRecord {
	const where = `calls[${index}]`;
	if (typeof spec !== 'object' || spec === null) throw new SeedError(`${where} must be an object.`);
	const national =
		spec.number === undefined ? randomMobile(seededRandom(index + 1)) : nationalDigits(spec.number);
	if (national === null)
		throw new SeedError(`${where}.number: A valid Indian mobile number is required.`);
	const direction = spec.direction ?? 'outbound';
	if (direction !== 'inbound' && direction !== 'outbound')
		throw new SeedError(`${where}.direction must be inbound or outbound.`);
	const status = spec.status ?? 'completed';
	if (!isListStatus(status))
		throw new SeedError(
			`${where}.status must be one of queued, ringing, in_progress, completed, missed, failed.`,
		);
	if (spec.end_reason !== undefined && !isEndReason(spec.end_reason))
		throw new SeedError(`${where}.end_reason must be an enumerated end reason.`);
	const createdAt = instant(spec.created_at, now, `${where}.created_at`);
	const finishAt =
		spec.finishAt === undefined ? undefined : instant(spec.finishAt, now, `${where}.finishAt`);
	const final = finalStatus(status, spec.end_reason, where);
	const endReason = spec.end_reason ?? defaultEndReason(final);
	const durationSec =
		spec.duration_sec ?? (final === 'completed' ? defaultDurationSec(national) : 0);
	if (!Number.isInteger(durationSec) || durationSec < 0)
		throw new SeedError(`${where}.duration_sec must be a whole number >= 0.`);
	const reference = sanitiseReferenceId(spec.reference_id);
	if (!reference.ok) throw new SeedError(`${where}.reference_id must be a string.`);
	if (
		spec.campaign_id !== undefined &&
		(!Number.isInteger(spec.campaign_id) || spec.campaign_id < 1)
	)
		throw new SeedError(`${where}.campaign_id must be a positive whole number.`);

	const callId = randomUUID();
	const run = direction === 'outbound' ? pickRun(store, spec.campaign_id, runsInBatch) : null;
	const customer = `+91${national}`;
	return {
		seq: store.nextSeq(),
		accountId: account.fixture.id,
		uniqueId: run === null ? callId : `run_${run}`,
		callId,
		direction,
		fromNumber: direction === 'outbound' ? account.defaultCallerId : customer,
		toNumber: direction === 'outbound' ? customer : account.defaultCallerId,
		campaignId: direction === 'outbound' ? (spec.campaign_id ?? run) : (spec.campaign_id ?? null),
		referenceId: reference.value,
		createdAt,
		createdAtText: formatIst(createdAt),
		createdSec: Math.floor(createdAt / 1000),
		timeline: timeline(status, final, endReason, durationSec, createdAt, finishAt),
		hasRecording: final === 'completed',
		billable: false,
		type: null,
		audioId: null,
		dtmfMap: null,
		savedCampaignId: null,
	};
}

/** A hand-picked campaign_id becomes run_N when N is free; a second call in the same run keeps its call id as unique_id. */
function pickRun(
	store: SandboxStore,
	campaignId: number | undefined,
	runsInBatch: Set<number>,
): number | null {
	if (campaignId === undefined) return store.nextRun();
	if (runsInBatch.has(campaignId) || store.runTaken(campaignId)) return null;
	runsInBatch.add(campaignId);
	store.reserveRunsUpTo(campaignId);
	return campaignId;
}

function finalStatus(
	status: ListStatus,
	endReason: string | undefined,
	where: string,
): FinalStatus {
	const fromReason =
		endReason !== undefined && isEndReason(endReason) ? FINAL_FOR_REASON[endReason] : undefined;
	if (status === 'completed' || status === 'missed' || status === 'failed') {
		if (fromReason !== undefined && fromReason !== status)
			throw new SeedError(`${where}.end_reason ${endReason} does not fit status ${status}.`);
		return status;
	}
	return fromReason ?? 'completed';
}

/**
 * Without finishAt a terminal call has ended at created_at, and a non-terminal one stays in its
 * status forever. With finishAt the call rings from created_at and ends at finishAt; a completed
 * one is in_progress for its last duration_sec seconds.
 */
function timeline(
	status: ListStatus,
	final: FinalStatus,
	endReason: EndReason,
	durationSec: number,
	createdAt: number,
	finishAt: number | undefined,
): Timeline {
	if (finishAt !== undefined) {
		const answerAt =
			final === 'completed' ? Math.max(createdAt, finishAt - durationSec * 1000) : null;
		return makeTimeline(
			createdAt,
			answerAt,
			Math.max(createdAt, finishAt),
			final,
			endReason,
			durationSec,
		);
	}
	switch (status) {
		case 'queued':
			return makeTimeline(null, null, null, final, endReason, durationSec);
		case 'ringing':
			return makeTimeline(createdAt, null, null, final, endReason, durationSec);
		case 'in_progress':
			return makeTimeline(createdAt, createdAt, null, final, endReason, durationSec);
		default:
			return makeTimeline(
				createdAt,
				final === 'completed' ? createdAt : null,
				createdAt,
				final,
				endReason,
				durationSec,
			);
	}
}

function instant(value: string | number | undefined, now: number, where: string): number {
	if (value === undefined) return now;
	if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
	if (typeof value === 'string') {
		const parsed = parseIsoInstant(value);
		if (parsed !== null && Number.isFinite(parsed)) return parsed;
	}
	throw new SeedError(`${where} must be an ISO 8601 timestamp or epoch milliseconds.`);
}

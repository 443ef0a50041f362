/** The public call object, exactly as List calls returns it (spec: "Call object"). */
export type { CallObject as ApiCall } from '../../shared/types';

/** The terminal statuses of the spec's closed status set; every other status can still change. */
export const FINISHED_STATUSES = ['completed', 'failed', 'missed'] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];

export function isFinished(status: unknown): status is FinishedStatus {
	return (FINISHED_STATUSES as readonly unknown[]).includes(status);
}

/** The node's parameters, read and checked once per poll. */
export interface TriggerSettings {
	events: FinishedStatus[];
	/** Sent to List calls. */
	direction?: 'inbound' | 'outbound';
	/** Sent to List calls. */
	number?: string;
	/** Applied here: List calls has no campaign filter. */
	campaignId?: number;
	/** How long after its creation an unfinished call is still followed. */
	lookbackMs: number;
	timeoutMs: number;
	/** Identifies the events and filters; when they change, the next poll starts a new baseline. */
	fingerprint: string;
}

/** A created_at span [from, to) in epoch seconds, as List calls' from (inclusive) and to (exclusive) filter it. */
export type CreatedRange = [number, number];

/**
 * What the trigger remembers between polls, in the node's static data. Every instant in it
 * comes from the API's own created_at values, never from the n8n host's clock, so clock skew
 * between n8n and the API cannot open a gap.
 */
export interface TrackerState {
	v: 1;
	fingerprint: string;
	/** created_at (epoch ms) of the newest call ever listed: the API's "now". null until one is seen. */
	latestMs: number | null;
	/** Where the next poll's recent part starts (epoch ms): it lists every call created since. */
	recentFromMs: number | null;
	/** Where older unfinished calls are: re-read every poll until they finish (a few ranges). */
	follow: CreatedRange[];
	/**
	 * unique_id → created_at (epoch seconds) of the finished calls already emitted (or already
	 * finished at the baseline), kept only while a later poll can list them again: from the
	 * oldest call followed (at most the lookback back), so its size is bounded.
	 */
	seen: Record<string, number>;
	/** Spans a poll left unlisted when n8n's poll budget ran out: listed after the others, never merged. */
	backlog?: CreatedRange[];
	/** Calls in the backlog created before this (epoch s) predate a cut baseline: remembered, not emitted. */
	baselineBefore?: number;
}

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
	direction?: 'inbound' | 'outbound';
	number?: string;
	/** Applied here: List calls has no campaign filter. */
	campaignId?: number;
	/** How long after its creation an unfinished call is still followed. */
	lookbackMs: number;
	timeoutMs: number;
	/** The events and filters; when they change, the next poll starts a new baseline. */
	fingerprint: string;
}

/** A created_at span [from, to) in epoch seconds, as List calls' from and to filter it. */
export type CreatedRange = [number, number];

/**
 * What the trigger remembers between polls (static data). Every instant in it comes from the API's
 * created_at values, never from the host's clock, so clock skew cannot open a gap.
 */
export interface TrackerState {
	v: 1;
	fingerprint: string;
	/** created_at (epoch ms) of the newest call ever listed: the API's "now". */
	latestMs: number | null;
	recentFromMs: number | null;
	/** Where older unfinished calls are: re-read every poll until they finish. */
	follow: CreatedRange[];
	/** unique_id → created_at (s) of finished calls, kept while a later poll can list them again. */
	seen: Record<string, number>;
	/** Spans a poll left unlisted when n8n's poll budget ran out: listed after the others. */
	backlog?: CreatedRange[];
	/** Backlog calls created before this (epoch s) predate a cut baseline: remembered, not emitted. */
	baselineBefore?: number;
}

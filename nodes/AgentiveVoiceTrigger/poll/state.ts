import type { IDataObject } from 'n8n-workflow';

import { toSeconds } from '../../shared/apiFacts';
import type { CreatedRange, TrackerState, TriggerSettings } from './types';

/** The static-data key that holds the tracker state. */
export const STATE_KEY = 'callTracker';

/**
 * Calls can become visible in List calls slightly after their created_at (and several share a
 * second), so every poll re-reads this much before the newest call it has seen. Duplicates that
 * this re-reading returns are dropped by unique_id.
 */
export const SETTLE_MARGIN_MS = 2 * 60_000;

/** Parts with at most this many calls between them are listed as one (about half a page). */
const MERGE_BELOW_CALLS = 50;
/** At most this many ranges (one request each, more for a busy range) are re-read per poll. */
export const MAX_FOLLOW_RANGES = 3;

/** What one poll lists. */
export interface ListingPlan {
	/** The recent part: calls created at or after this (epoch ms, whole seconds), no upper bound; undefined: from the newest call back. */
	recentFromMs?: number;
	/** Older parts that hold unfinished calls: [from, to) in epoch seconds. */
	follow: CreatedRange[];
	/** Baseline only: stop paging once a page reaches calls this much older than the newest. */
	stopAfterMs?: number;
	/** Spans a budget-cut poll left unlisted: [from, to) in epoch seconds. */
	backlog: CreatedRange[];
}

const isWholeNumber = (value: unknown): value is number =>
	typeof value === 'number' && Number.isSafeInteger(value);
const isRange = (value: unknown): value is CreatedRange =>
	Array.isArray(value) &&
	value.length === 2 &&
	isWholeNumber(value[0]) &&
	isWholeNumber(value[1]) &&
	value[0] < value[1];

/**
 * The stored state, or undefined when the next poll must be a baseline: first poll after
 * activation, the events or filters changed, or the stored value is not a state this version wrote.
 */
export function readState(
	staticData: IDataObject,
	settings: TriggerSettings,
): TrackerState | undefined {
	const stored = staticData[STATE_KEY] as Partial<TrackerState> | undefined;
	if (!stored || typeof stored !== 'object' || stored.v !== 1) return undefined;
	if (stored.fingerprint !== settings.fingerprint) return undefined;
	if (stored.latestMs !== null && !isWholeNumber(stored.latestMs)) return undefined;
	if (stored.recentFromMs !== null && !isWholeNumber(stored.recentFromMs)) return undefined;
	if (!Array.isArray(stored.follow) || !stored.follow.every(isRange)) return undefined;
	if (!stored.seen || typeof stored.seen !== 'object') return undefined;
	const { backlog = [], baselineBefore = 0 } = stored;
	if (!Array.isArray(backlog) || !backlog.every(isRange) || !isWholeNumber(baselineBefore))
		return undefined;
	return stored as TrackerState;
}

/** The settle margin before the newest call seen (whole seconds): where new calls start. */
export function settledBefore(latestMs: number | null): number | undefined {
	return latestMs === null ? undefined : toSeconds(latestMs - SETTLE_MARGIN_MS) * 1000;
}

/**
 * A call that finishes after a poll was created before it, so "created since the last poll" is
 * not enough, and List calls cannot filter on "finished since". So every poll lists:
 * - the recent part, from the settle margin before the newest call seen (or from an unfinished
 *   call just before it), with no upper bound: every new call;
 * - the follow ranges: the created_at spans of older calls that were still unfinished, so each of
 *   them is read again until it finishes (or passes the lookback).
 * Listing only those spans, not everything since the oldest unfinished call, keeps one long or
 * stuck call from making every poll re-read hours of finished calls.
 */
export function listingPlan(
	previous: TrackerState | undefined,
	settings: TriggerSettings,
): ListingPlan {
	if (!previous) return { follow: [], stopAfterMs: settings.lookbackMs, backlog: [] };
	const { recentFromMs, follow, backlog = [] } = previous;
	return { recentFromMs: recentFromMs ?? undefined, follow, backlog };
}

/** What this poll listed: the created_at seconds of every call, sorted, and the spans it covered. */
export interface Listed {
	secs: number[];
	spans: CreatedRange[];
}

/** The spans a plan lists, in listing order, in epoch seconds ([from, to), unbounded as ±Infinity). */
export function spansOf(plan: ListingPlan): CreatedRange[] {
	const recentFrom =
		plan.recentFromMs === undefined ? Number.NEGATIVE_INFINITY : plan.recentFromMs / 1000;
	return [[recentFrom, Number.POSITIVE_INFINITY], ...plan.follow, ...plan.backlog];
}

/** Calls listed in [from, to), or Infinity when this poll did not list all of that span. */
function callsBetween(listed: Listed, from: number, to: number): number {
	if (!listed.spans.some(([start, end]) => start <= from && to <= end))
		return Number.POSITIVE_INFINITY;
	const firstAtOrAfter = (sec: number): number => {
		let lo = 0;
		let hi = listed.secs.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (listed.secs[mid] < sec) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	};
	return firstAtOrAfter(to) - firstAtOrAfter(from);
}

/**
 * The next poll's recent part and follow ranges, from the created_at seconds of the unfinished
 * calls to follow. Each part costs at least one request, so neighbouring parts are listed as one
 * when the calls between them (counted in this poll's listing) fit in about half a page; then,
 * while there are more than MAX_FOLLOW_RANGES ranges, the cheapest neighbours merge. Where the
 * ranges fall only changes the cost, never which calls are found: every unfinished call is in one.
 */
export function planNextListing(
	unfinishedSecs: number[],
	latestMs: number | null,
	listed: Listed,
): { recentFromMs: number | null; follow: CreatedRange[] } {
	const settled = settledBefore(latestMs);
	if (settled === undefined) return { recentFromMs: null, follow: [] };
	const parts: CreatedRange[] = [...new Set(unfinishedSecs.filter((sec) => sec < settled / 1000))]
		.sort((a, b) => a - b)
		.map((sec) => [sec, sec + 1]);
	parts.push([settled / 1000, Number.POSITIVE_INFINITY]);
	// gaps[i]: calls between parts[i - 1] and parts[i]; merging keeps the other gaps as they are.
	const gaps = parts.map((part, i) =>
		i === 0 ? 0 : callsBetween(listed, parts[i - 1][1], part[0]),
	);
	const merge = (i: number) => {
		parts.splice(i - 1, 2, [parts[i - 1][0], parts[i][1]]);
		gaps.splice(i, 1);
	};
	for (let i = parts.length - 1; i >= 1; i--) if (gaps[i] <= MERGE_BELOW_CALLS) merge(i);
	while (parts.length > MAX_FOLLOW_RANGES + 1) {
		let cheapest = 1;
		for (let i = 2; i < parts.length; i++) {
			const closer = parts[i][0] - parts[i - 1][1] < parts[cheapest][0] - parts[cheapest - 1][1];
			if (gaps[i] < gaps[cheapest] || (gaps[i] === gaps[cheapest] && closer)) cheapest = i;
		}
		merge(cheapest);
	}
	const recent = parts.pop() as CreatedRange;
	return { recentFromMs: recent[0] * 1000, follow: parts };
}

/**
 * Where the next poll's listing starts: nothing older can be listed again, now or later (a later
 * range only ever joins calls that are followed now), so `seen` forgets what is older.
 */
export function oldestListed(plan: {
	recentFromMs: number | null;
	follow: CreatedRange[];
	backlog: CreatedRange[];
}): number | undefined {
	if (plan.recentFromMs === null) return undefined;
	const starts = [...plan.follow, ...plan.backlog].map(([from]) => from * 1000);
	return Math.min(plan.recentFromMs, ...starts);
}

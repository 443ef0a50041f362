import type { IDataObject } from 'n8n-workflow';

import { toSeconds } from '../../shared/apiFacts';
import type { CreatedRange, TrackerState, TriggerSettings } from './types';

export const STATE_KEY = 'callTracker';

/** Calls can show up in List calls a little after their created_at: every poll re-reads this much. */
export const SETTLE_MARGIN_MS = 2 * 60_000;

/** Parts with at most this many calls between them are listed as one (half a page). */
const MERGE_BELOW_CALLS = 50;
/** At most this many ranges (a request or more each) are re-read per poll. */
export const MAX_FOLLOW_RANGES = 3;

export interface ListingPlan {
	/** Calls created since this (epoch ms), no upper bound; undefined: from the newest back. */
	recentFromMs?: number;
	follow: CreatedRange[];
	/** Baseline only: stop paging once a page reaches calls this much older than the newest. */
	stopAfterMs?: number;
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

/** The stored state, or undefined for a baseline: none yet, other events/filters, or unreadable. */
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

/**
 * List calls cannot filter on "finished since", so every poll lists the recent part (every new
 * call) and the follow ranges: the created_at spans of older unfinished calls, read again until
 * they finish. Only those spans, so one stuck call does not make every poll re-read hours of calls.
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
interface Listed {
	secs: number[];
	spans: CreatedRange[];
}

/** The spans a plan lists, in listing order (unbounded as ±Infinity). */
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
 * The next poll's recent part and follow ranges. Each part costs a request, so neighbours with few
 * calls between them merge, then the cheapest neighbours until MAX_FOLLOW_RANGES remain. This
 * changes only the cost, never which calls are found: every unfinished call stays in one.
 */
export function planNextListing(
	unfinishedSecs: number[],
	latestMs: number | null,
	listed: Listed,
): { recentFromMs: number | null; follow: CreatedRange[] } {
	if (latestMs === null) return { recentFromMs: null, follow: [] };
	const settled = toSeconds(latestMs - SETTLE_MARGIN_MS);
	const parts: CreatedRange[] = [...new Set(unfinishedSecs.filter((sec) => sec < settled))]
		.sort((a, b) => a - b)
		.map((sec) => [sec, sec + 1]);
	parts.push([settled, Number.POSITIVE_INFINITY]);
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

/** Where the next poll's listing starts: nothing older is listed again, so `seen` forgets it. */
export function oldestListed(
	plan: Pick<TrackerState, 'recentFromMs' | 'follow'> & { backlog: CreatedRange[] },
): number | undefined {
	if (plan.recentFromMs === null) return undefined;
	const starts = [...plan.follow, ...plan.backlog].map(([from]) => from * 1000);
	return Math.min(plan.recentFromMs, ...starts);
}

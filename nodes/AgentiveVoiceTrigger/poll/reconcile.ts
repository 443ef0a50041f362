import type { Listing } from './fetchCalls';
import { oldestListed, planNextListing } from './state';
import { parseApiInstant, toSeconds } from '../../shared/apiFacts';
import type { ApiCall, CreatedRange, TrackerState, TriggerSettings } from './types';
import { isFinished } from './types';

/**
 * Classifies one poll's listing against the previous state (undefined: a baseline, which emits
 * nothing). Finished, selected and not in `seen` → emit once, oldest first; unfinished → follow,
 * until older than the lookback measured against the newest created_at (the API's clock).
 */
export function reconcile(
	previous: TrackerState | undefined,
	{ calls, spans, unlisted }: Listing,
	settings: TriggerSettings,
): { state: TrackerState; finished: ApiCall[] } {
	// Calls created before this were never listed since a baseline: remembered, not emitted.
	const before = previous ? (previous.baselineBefore ?? -Infinity) : Infinity;
	const listed = calls.map((call) => ({ call, createdMs: parseApiInstant(call.created_at) }));
	let latestMs = previous?.latestMs ?? null;
	for (const { createdMs } of listed) {
		if (createdMs !== null && (latestMs === null || createdMs > latestMs)) latestMs = createdMs;
	}

	const seen = new Map(Object.entries(previous?.seen ?? {}));
	const finished: Array<{ call: ApiCall; createdMs: number; position: number }> = [];
	const unfinishedSecs: number[] = [];
	for (const [position, { call, createdMs }] of listed.entries()) {
		if (settings.campaignId !== undefined && call.campaign_id !== settings.campaignId) continue;
		// Without a readable created_at, a call is kept as if created with the newest one.
		const created = createdMs ?? latestMs ?? 0;
		if (isFinished(call.status)) {
			if (!settings.events.includes(call.status) || seen.has(call.unique_id)) continue;
			seen.set(call.unique_id, toSeconds(created));
			if (toSeconds(created) >= before) finished.push({ call, createdMs: created, position });
		} else if (latestMs !== null && latestMs - created <= settings.lookbackMs) {
			unfinishedSecs.push(toSeconds(created));
		}
	}

	const listedSecs = listed
		.flatMap(({ createdMs }) => (createdMs === null ? [] : [toSeconds(createdMs)]))
		.sort((a, b) => a - b);
	const planned = planNextListing(unfinishedSecs, latestMs, { secs: listedSecs, spans });
	// The recent part lists what the backlog would from its start on.
	const recentFrom = (planned.recentFromMs ?? Number.POSITIVE_INFINITY) / 1000;
	const backlog = unlisted.flatMap(([from, to]): CreatedRange[] =>
		from < Math.min(to, recentFrom) ? [[from, Math.min(to, recentFrom)]] : [],
	);
	const next: Omit<TrackerState, 'v' | 'fingerprint' | 'latestMs' | 'seen'> = { ...planned };
	if (backlog.length > 0) next.backlog = backlog;
	const oldestMs = oldestListed({ ...planned, backlog });
	const kept: Record<string, number> = {};
	for (const [id, createdSec] of seen) {
		if (oldestMs === undefined || createdSec * 1000 >= oldestMs) kept[id] = createdSec;
	}
	// Oldest first; the listing is newest first, so within one second a later position is older.
	finished.sort((a, b) => a.createdMs - b.createdMs || b.position - a.position);
	// What of the never-listed baseline span is still unlisted.
	for (const [from, to] of unlisted)
		if (from < before)
			next.baselineBefore = Math.max(next.baselineBefore ?? from, Math.min(to, before));
	return {
		state: { v: 1, fingerprint: settings.fingerprint, latestMs, ...next, seen: kept },
		finished: finished.map(({ call }) => call),
	};
}

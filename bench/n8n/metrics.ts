/**
 * What one route run achieved, read from the sandbox alone (its calls and its request log), so every
 * route is measured the same way whatever n8n reports.
 *
 * "% of ceiling" follows bench/lib.ts (ceilingPercent, sharedPercent), counted over *useful*
 * placements: the first accepted POST /calls for each of the batch's numbers. A 429 or a second call
 * to a number already called is a request, but not progress.
 */
import type { LoggedRequest, PublicCall } from '../../sandbox/types';

export interface RateLimit {
	limit: number;
	windowMs: number;
}

export interface RunMeasure {
	/** Distinct batch numbers with at least one call. */
	placed: number;
	/** Calls beyond the first to the same number. */
	duplicates: number;
	/** Batch numbers without any call. */
	failed: number;
	/** POST /calls answered 429. */
	rejected429: number;
	/** POST /calls requests received (any outcome). */
	placeRequests: number;
	other: { accepted: number; rejected: number };
	/** Undefined when the route did not place the whole batch: there is no batch time to compare. */
	percent?: number;
	/** How the percentage was obtained, for the detail line. */
	detail: string;
}

/** The last 10 digits: 9812345678, 919812345678 and +919812345678 are the same number. */
export function numberKey(value: unknown): string {
	return String(value ?? '')
		.replace(/\D/g, '')
		.slice(-10);
}

const isPlacement = (entry: LoggedRequest) => entry.method === 'POST' && entry.path === '/calls';
const isOther = (entry: LoggedRequest) => entry.method === 'GET' && entry.path === '/account';
const accepted = (entry: LoggedRequest) => entry.status >= 200 && entry.status < 300;

/** The first accepted POST /calls for each batch number, in arrival order. */
function usefulPlacements(log: LoggedRequest[], batch: Set<string>): LoggedRequest[] {
	const seen = new Set<string>();
	const useful: LoggedRequest[] = [];
	for (const entry of [...log].sort((a, b) => a.at - b.at)) {
		if (!isPlacement(entry) || !accepted(entry)) continue;
		const key = numberKey((entry.body as { number?: unknown } | null)?.number);
		if (!batch.has(key) || seen.has(key)) continue;
		seen.add(key);
		useful.push(entry);
	}
	return useful;
}

/**
 * Solo: with a fixed window of L requests per W and the first window starting full, placement k·L
 * cannot go earlier than k windows after the first. For N placements the ceiling time is K·W,
 * K = floor((N-1)/L); the achieved time runs from the first useful placement to useful placement
 * K·L. The figure is ceiling time / achieved time (100% = every window opened the moment it reset).
 */
export function soloCeiling(
	useful: LoggedRequest[],
	rate: RateLimit,
): { percent: number; detail: string } {
	const times = useful.map((entry) => entry.at);
	const windows = Math.floor((times.length - 1) / rate.limit);
	if (windows === 0) return { percent: 100, detail: 'the batch fits in one window' };
	const idealMs = windows * rate.windowMs;
	const actualMs = times[windows * rate.limit] - times[0];
	return {
		percent: (idealMs / actualMs) * 100,
		detail: `placement ${windows * rate.limit} after ${(actualMs / 1000).toFixed(3)} s (ceiling ${(idealMs / 1000).toFixed(3)} s)`,
	};
}

/**
 * Shared: the ceiling is what the other client leaves. The sandbox's windows are rebuilt from its log
 * (a window opens at the first request at or after the previous one's end; every request counts). In
 * each window the other client leaves L minus its accepted requests; the figure is our useful
 * placements over that, summed over the windows from our first placement up to, not including, the
 * window of our last one (where the batch ran out of work).
 */
export function sharedCeiling(
	log: LoggedRequest[],
	useful: LoggedRequest[],
	rate: RateLimit,
): { percent: number; detail: string } {
	const usefulSet = new Set(useful);
	const windows: Array<{ start: number; ours: number; other: number }> = [];
	let current: { start: number; ours: number; other: number } | undefined;
	for (const entry of [...log].sort((a, b) => a.at - b.at)) {
		if (!current || entry.at >= current.start + rate.windowMs) {
			current = { start: entry.at, ours: 0, other: 0 };
			windows.push(current);
		}
		if (usefulSet.has(entry)) current.ours += 1;
		else if (isOther(entry) && accepted(entry)) current.other += 1;
	}
	const first = windows.findIndex((window) => window.ours > 0);
	let last = -1;
	windows.forEach((window, index) => {
		if (window.ours > 0) last = index;
	});
	const counted = windows.slice(first, last);
	if (counted.length === 0) return { percent: 100, detail: 'the batch fits in one window' };
	const ours = counted.reduce((sum, window) => sum + window.ours, 0);
	const left = counted.reduce((sum, window) => sum + (rate.limit - window.other), 0);
	return {
		percent: (ours / left) * 100,
		detail: `per full window ours+other accepted: ${counted.map((window) => `${window.ours}+${window.other}`).join(' ')}`,
	};
}

export function measureRun(
	log: LoggedRequest[],
	calls: PublicCall[],
	numbers: string[],
	rate: RateLimit,
	shared: boolean,
): RunMeasure {
	const batch = new Set(numbers.map(numberKey));
	const perNumber = new Map<string, number>();
	for (const call of calls) {
		const key = numberKey(call.to_number);
		if (batch.has(key)) perNumber.set(key, (perNumber.get(key) ?? 0) + 1);
	}
	const placed = perNumber.size;
	const totalCalls = [...perNumber.values()].reduce((sum, count) => sum + count, 0);
	const placements = log.filter(isPlacement);
	const others = log.filter(isOther);
	const measure: RunMeasure = {
		placed,
		duplicates: totalCalls - placed,
		failed: batch.size - placed,
		rejected429: placements.filter((entry) => entry.status === 429).length,
		placeRequests: placements.length,
		other: {
			accepted: others.filter(accepted).length,
			rejected: others.filter((entry) => entry.status === 429).length,
		},
		detail: '',
	};
	if (placed < batch.size) {
		measure.detail = `batch not completed (${placed} of ${batch.size} numbers called): no batch time to compare`;
		return measure;
	}
	const useful = usefulPlacements(log, batch);
	const ceiling = shared ? sharedCeiling(log, useful, rate) : soloCeiling(useful, rate);
	measure.percent = ceiling.percent;
	measure.detail = ceiling.detail;
	return measure;
}

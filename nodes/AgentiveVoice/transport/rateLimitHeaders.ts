import type { ApiResponse } from './types';

/** What one response says about the account's rate-limit window. Absent when missing or malformed. */
export interface RateLimitInfo {
	limit?: number;
	remaining?: number;
	/** Seconds until the window resets (RateLimit-Reset, a delta in whole seconds). */
	resetSec?: number;
	/** From Retry-After (seconds or an HTTP date), in milliseconds from now. */
	retryAfterMs?: number;
}

type Headers = ApiResponse['headers'];
/** Header values by lower-case name. */
type LowerHeaders = Map<string, string | string[] | undefined>;

/** Anything above this is not a delta but an epoch timestamp in seconds (some gateways send one). */
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

/** A header by lower-case name; the first value when repeated. */
function rawHeader(headers: LowerHeaders, name: string): string | undefined {
	const value = headers.get(name);
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' ? first.trim() : undefined;
}

/** "120, 120;w=60" (a figure followed by a policy) → "120". */
function firstFigure(headers: LowerHeaders, name: string): string | undefined {
	return rawHeader(headers, name)?.split(/[,;]/)[0].trim();
}

function wholeNumber(text: string | undefined): number | undefined {
	if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
	return Number(text);
}

/** The draft-7 combined form: `RateLimit: limit=120, remaining=3, reset=20`. */
function combinedField(headers: LowerHeaders, key: string): number | undefined {
	const text = rawHeader(headers, 'ratelimit');
	if (text === undefined) return undefined;
	const match = new RegExp(`(?:^|[\\s,;])${key}=(\\d{1,15})(?![\\d.])`, 'i').exec(text);
	return match ? Number(match[1]) : undefined;
}

function field(headers: LowerHeaders, name: 'limit' | 'remaining' | 'reset'): number | undefined {
	return (
		wholeNumber(firstFigure(headers, `ratelimit-${name}`)) ??
		wholeNumber(firstFigure(headers, `x-ratelimit-${name}`)) ??
		combinedField(headers, name)
	);
}

function retryAfterMs(headers: LowerHeaders, now: number): number | undefined {
	const text = rawHeader(headers, 'retry-after');
	if (!text) return undefined;
	const seconds = wholeNumber(text);
	if (seconds !== undefined) return seconds * 1000;
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Reads the rate-limit headers defensively: a missing or malformed header is simply absent. */
export function readRateLimitHeaders(raw: Headers, now: number): RateLimitInfo {
	const headers: LowerHeaders = new Map(Object.entries(raw).map(([name, value]) => [name.toLowerCase(), value]));
	const info: RateLimitInfo = {};
	const limit = field(headers, 'limit');
	if (limit !== undefined && limit > 0) info.limit = limit;
	const remaining = field(headers, 'remaining');
	if (remaining !== undefined && (info.limit === undefined || remaining <= info.limit)) info.remaining = remaining;
	const reset = field(headers, 'reset');
	if (reset !== undefined) {
		info.resetSec = reset > EPOCH_SECONDS_THRESHOLD ? Math.max(0, Math.ceil((reset * 1000 - now) / 1000)) : reset;
	}
	const retryAfter = retryAfterMs(headers, now);
	if (retryAfter !== undefined) info.retryAfterMs = retryAfter;
	return info;
}

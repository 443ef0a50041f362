// Facts about the API, defined once for both nodes, and pure checks: value to send or undefined.
import { DateTime, FixedOffsetZone } from 'luxon';

/** Every timestamp of the API is IST; IST has no daylight saving, so a fixed +05:30 is exact. */
export const IST = FixedOffsetZone.instance(330);

const DATE_TIME_TEXT = /^\[DateTime: (.+)\]$/;

/** created_at as epoch ms, or null; one without an offset is read as IST, never the host's zone. */
export function parseApiInstant(value: unknown): number | null {
	if (typeof value !== 'string' || value === '') return null;
	const parsed = DateTime.fromISO(value, { zone: IST });
	return parsed.isValid ? parsed.toMillis() : null;
}

export function formatApiInstant(ms: number): string {
	return toApiTimestamp(DateTime.fromMillis(ms));
}

/** ISO 8601 with an explicit +05:30 offset: 2026-06-04T21:42:08+05:30. */
export function toApiTimestamp(value: DateTime): string {
	return value.setZone(IST).toISO({ suppressMilliseconds: true, includeOffset: true }) as string;
}

export const toSeconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * The instants a date we send may name: 4-digit years in IST. Beyond them toApiTimestamp would
 * write +010000-… or -000001-…, which the API refuses (docs/assumptions.md, "Dates we send").
 */
export const API_DATE_RANGE = {
	minMs: Date.UTC(1000, 0, 1) - 330 * 60_000,
	maxMs: Date.UTC(10_000, 0, 1) - 330 * 60_000 - 1,
	text: 'from 1000-01-01 to 9999-12-31 (IST)',
} as const;

/** A user's date (ISO text, Date or Luxon DateTime); no offset means IST. Undefined if unreadable. */
export function toDateTime(input: unknown): DateTime | undefined {
	let result: DateTime | undefined;
	if (DateTime.isDateTime(input)) {
		// Duck-typed by Luxon, so a DateTime from n8n's own copy of Luxon is recognised too.
		result = DateTime.fromMillis((input as DateTime).toMillis());
	} else if (input instanceof Date) {
		result = DateTime.fromJSDate(input);
	} else if (typeof input === 'string') {
		const text = input.trim();
		const wrapped = DATE_TIME_TEXT.exec(text)?.[1] ?? text;
		// Only ISO forms (with ±YYYYYY years, which n8n writes past 9999): "06/04/2026" is ambiguous.
		if (!/^(\d{4}|[+-]\d{6})-\d{2}-\d{2}/.test(wrapped)) return undefined;
		result = DateTime.fromISO(wrapped, { zone: IST, setZone: true });
	}
	return result?.isValid ? result : undefined;
}

export const MAX_PER_PAGE = 100;

export function dataArray<T>(body: unknown): T[] {
	const data = body && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
	return Array.isArray(data) ? (data as T[]) : [];
}

export const DEFAULT_MAX_RATE_LIMIT_WAIT_SEC = 300;
// The spec gives no upper bounds: these are the sandbox's (docs/assumptions.md), so both agree.
export const MAX_TTL_SECONDS = 86_400;
export const MAX_OTP_ATTEMPTS = 10;
export const MAX_MESSAGE_LENGTH = 500;

/**
 * Ranges of the numeric Options, in the editor and checked again at run time (an expression
 * bypasses the editor). Why each bound: docs/assumptions.md.
 */
export const OPTION_RANGES = {
	timeoutMs: { min: 1, max: 3_600_000 },
	maxRateLimitWaitSec: { min: 0, max: 3_600 },
	skipCalledWithinMinutes: { min: 0, max: 525_600 },
} as const;

/**
 * An Indian mobile number as +91XXXXXXXXXX. A leading 0 is refused (0 + an STD code would pass for
 * a mobile), and so is a JSON number that is not a positive integer.
 */
export function normaliseMobileNumber(input: unknown): string | undefined {
	const positive = typeof input === 'number' && Number.isSafeInteger(input) && input > 0;
	if (typeof input !== 'string' && !positive) return undefined;
	// The three documented forms (9812345678, 919812345678, +919812345678); mobiles start with 6-9.
	const match = /^(?:\+?91)?([6-9]\d{9})$/.exec(String(input).replace(/[\s\-.()]/g, ''));
	return match ? `+91${match[1]}` : undefined;
}

/** A whole number in [min, max] from a number or numeric string; hex, exponents, fractions refused. */
export function toWholeNumber(
	input: unknown,
	min: number,
	max = Number.MAX_SAFE_INTEGER,
): number | undefined {
	const numeric = typeof input === 'string' && /^\s*[+-]?\d+(\.0+)?\s*$/.test(input);
	if (typeof input !== 'number' && !numeric) return undefined;
	const value = Number(input);
	if (!Number.isSafeInteger(value) || value < min || value > max) return undefined;
	return value;
}

export function isEmpty(input: unknown): boolean {
	return (
		input === undefined || input === null || (typeof input === 'string' && input.trim() === '')
	);
}

function trimmedIf(input: unknown, accept: (text: string) => boolean): string | undefined {
	const text = typeof input === 'number' && Number.isSafeInteger(input) ? String(input) : input;
	if (typeof text !== 'string') return undefined;
	const trimmed = text.trim();
	return accept(trimmed) ? trimmed : undefined;
}

export const toOtpCode = (input: unknown) => trimmedIf(input, (text) => /^\d{4,8}$/.test(text));

/** Ids used in URL paths (run_4821, call ids, UUIDs): nothing that alters the path. */
export const toResourceId = (input: unknown) =>
	trimmedIf(input, (text) => /^[A-Za-z0-9_-]{1,128}$/.test(text));

/** Spec, "Reference IDs": capped at 120 characters; control characters are stripped. */
export const REFERENCE_ID_MAX = 120;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * The one reference_id rule, for a value given, generated or echoed by List calls: control
 * characters stripped, ends trimmed, as the API does; longer than 120 code points is refused, never
 * cut (two keys cut to 120 could collide). Empty is `undefined`.
 */
export function cleanReferenceId(
	input: unknown,
): { ok: true; value: string | undefined } | { ok: false } {
	if (input === undefined || input === null) return { ok: true, value: undefined };
	if (typeof input !== 'string' && typeof input !== 'number') return { ok: false };
	const cleaned = String(input).replace(CONTROL_CHARACTERS, '').trim();
	if (Array.from(cleaned).length > REFERENCE_ID_MAX) return { ok: false };
	return { ok: true, value: cleaned === '' ? undefined : cleaned };
}

export function listedReferenceId(value: unknown): string | undefined {
	const check = cleanReferenceId(value);
	return check.ok ? check.value : undefined;
}

export const KEYPAD_DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'] as const;

/** The spec documents only connect_agent; the others are this package's (docs/assumptions.md). */
export const KEYPAD_ACTIONS = ['connect_agent', 'callback', 'opt_out', 'repeat'] as const;

const trimmedIn = (list: readonly string[], text: unknown): string | undefined =>
	typeof text === 'string' && list.includes(text.trim()) ? text.trim() : undefined;

export const toKeypadDigit = (input: unknown) =>
	trimmedIn(KEYPAD_DIGITS, typeof input === 'number' ? String(input) : input);
export const toKeypadAction = (input: unknown) => trimmedIn(KEYPAD_ACTIONS, input);

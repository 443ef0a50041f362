/**
 * Facts about the Agentive Voice API, each defined once and used by both nodes: how it writes
 * timestamps, the reference_id rule, the accepted number forms, the limits of its fields, how a
 * List response carries its rows. Plus the pure checks built on them: each returns the value to
 * send, or `undefined` when the input is not acceptable (the caller names the field in its error).
 * No n8n context here, so the rules are easy to read and to test.
 */
import { DateTime, FixedOffsetZone } from 'luxon';

// ---- Timestamps -------------------------------------------------------------------------------

/** Every timestamp of the API is IST; IST has no daylight saving, so a fixed +05:30 is exact. */
export const IST = FixedOffsetZone.instance(330);

const DATE_TIME_TEXT = /^\[DateTime: (.+)\]$/;

/**
 * A timestamp the API wrote (created_at) as an instant (epoch ms), or null when absent or
 * unreadable. One without an offset is read as IST, never as the host's zone.
 */
export function parseApiInstant(value: unknown): number | null {
	if (typeof value !== 'string' || value === '') return null;
	const parsed = DateTime.fromISO(value, { zone: IST });
	return parsed.isValid ? parsed.toMillis() : null;
}

/** An instant as the API writes it, with an explicit offset: 2026-06-04T21:42:08+05:30. */
export function formatApiInstant(ms: number): string {
	return toApiTimestamp(DateTime.fromMillis(ms));
}

/** ISO 8601 with an explicit +05:30 offset (milliseconds kept when present). */
export function toApiTimestamp(value: DateTime): string {
	return value.setZone(IST).toISO({ suppressMilliseconds: true, includeOffset: true }) as string;
}

export const toSeconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * The instants a date we send may name: 4-digit years in IST, from the year 1000 (the range of
 * common DATETIME columns) to the end of 9999. Beyond them, toApiTimestamp would write +010000-…
 * or -000001-…, which the API refuses (docs/assumptions.md, "Dates we send").
 */
export const API_DATE_RANGE = {
	minMs: Date.UTC(1000, 0, 1) - 330 * 60_000,
	maxMs: Date.UTC(10_000, 0, 1) - 330 * 60_000 - 1,
	text: 'from 1000-01-01 to 9999-12-31 (IST)',
} as const;

/**
 * Reads a date a user gave for a List filter: an ISO 8601 string, a JS Date, or a Luxon DateTime
 * (what `{{ $now }}` and date expressions produce). A date or time without an offset is read as
 * IST. Returns undefined when unreadable.
 */
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
		// Only the ISO forms (with ISO's expanded ±YYYYYY years, which n8n writes for years past 9999);
		// "06/04/2026" means different days in different countries.
		if (!/^(\d{4}|[+-]\d{6})-\d{2}-\d{2}/.test(wrapped)) return undefined;
		result = DateTime.fromISO(wrapped, { zone: IST, setZone: true });
	}
	return result?.isValid ? result : undefined;
}

// ---- Lists ------------------------------------------------------------------------------------

/** The largest per_page List endpoints accept. */
export const MAX_PER_PAGE = 100;

/** The rows of a List response (`data`), or none when the body has no array there. */
export function dataArray<T>(body: unknown): T[] {
	const data = body && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
	return Array.isArray(data) ? (data as T[]) : [];
}

// ---- Limits -----------------------------------------------------------------------------------

/** Rate-limit waiting one request may do unless Options › Max Rate-Limit Wait (seconds) says otherwise. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_SEC = 300;
/** Send Code / Place (otp): ttl, max_attempts and the message template. */
export const MAX_TTL_SECONDS = 86_400;
export const MAX_OTP_ATTEMPTS = 10;
export const MAX_MESSAGE_LENGTH = 500;

/**
 * Ranges of the numeric Options, in the editor (minValue/maxValue) and checked again at run time,
 * since an expression bypasses the editor. Where each bound comes from: docs/assumptions.md.
 * timeoutMs: Node's timers turn 2^31 ms or more into 1 ms; an hour is far beyond any response.
 * maxRateLimitWaitSec: the API's window is a minute; an hour is 60 windows.
 * skipCalledWithinMinutes: a year back, so the List-calls window starts on a date the API reads.
 */
export const OPTION_RANGES = {
	timeoutMs: { min: 1, max: 3_600_000 },
	maxRateLimitWaitSec: { min: 0, max: 3_600 },
	skipCalledWithinMinutes: { min: 0, max: 525_600 },
} as const;

// ---- Values -----------------------------------------------------------------------------------

/** The three documented forms, once spaces and dashes are removed. Mobiles start with 6-9. */
const MOBILE_FORMS = [/^([6-9]\d{9})$/, /^91([6-9]\d{9})$/, /^\+91([6-9]\d{9})$/];

/**
 * An Indian mobile number in +91XXXXXXXXXX form. Spaces, dashes, dots and brackets are
 * tolerated. A leading 0 is refused: 0 + a landline STD code (07965318581) would otherwise pass
 * for a mobile number. A JSON number must be a positive integer: -9812345678 is not a number to
 * dial, though its digits without the sign are.
 */
export function normaliseMobileNumber(input: unknown): string | undefined {
	let text: string;
	if (typeof input === 'string') text = input;
	else if (typeof input === 'number' && Number.isSafeInteger(input) && input > 0)
		text = String(input);
	else return undefined;
	const compact = text.replace(/[\s\-.()]/g, '');
	for (const form of MOBILE_FORMS) {
		const match = form.exec(compact);
		if (match) return `+91${match[1]}`;
	}
	return undefined;
}

/**
 * A whole number from a number or a numeric string (expressions often produce strings).
 * Hex, exponents and fractions are refused, as is anything outside [min, max].
 */
export function toWholeNumber(
	input: unknown,
	min: number,
	max = Number.MAX_SAFE_INTEGER,
): number | undefined {
	let value: number;
	if (typeof input === 'number') value = input;
	else if (typeof input === 'string' && /^\s*[+-]?\d+(\.0+)?\s*$/.test(input))
		value = Number(input);
	else return undefined;
	if (!Number.isSafeInteger(value) || value < min || value > max) return undefined;
	return value;
}

/** True for a value the user left empty (including an expression that resolved to nothing). */
export function isEmpty(input: unknown): boolean {
	return (
		input === undefined || input === null || (typeof input === 'string' && input.trim() === '')
	);
}

/** A numeric code of 4 to 8 digits. Numbers from expressions are accepted as their digits. */
export function toOtpCode(input: unknown): string | undefined {
	const text = typeof input === 'number' && Number.isSafeInteger(input) ? String(input) : input;
	if (typeof text !== 'string') return undefined;
	const trimmed = text.trim();
	return /^\d{4,8}$/.test(trimmed) ? trimmed : undefined;
}

/** Spec, "Reference IDs": capped at 120 characters; control characters are stripped. */
export const REFERENCE_ID_MAX = 120;

// C0, DEL and C1 control characters.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

export type ReferenceIdCheck = { ok: true; value: string | undefined } | { ok: false };

/**
 * The package's one reference_id rule, for a value the user gives, one the node generates, and one
 * List calls echoes back (the placement lookup compares like with like): control characters are
 * stripped and the ends trimmed, as the API does; a value still longer than 120 characters (code
 * points) is refused, never cut, since two long keys cut to 120 could become the same key.
 * Empty (or nothing left after cleaning) is `undefined`.
 */
export function cleanReferenceId(input: unknown): ReferenceIdCheck {
	if (input === undefined || input === null) return { ok: true, value: undefined };
	if (typeof input !== 'string' && typeof input !== 'number') return { ok: false };
	const cleaned = String(input).replace(CONTROL_CHARACTERS, '').trim();
	if (Array.from(cleaned).length > REFERENCE_ID_MAX) return { ok: false };
	return { ok: true, value: cleaned === '' ? undefined : cleaned };
}

/** A reference_id as List calls shows it, under the same rule (the API has already applied it). */
export function listedReferenceId(value: unknown): string | undefined {
	const check = cleanReferenceId(value);
	return check.ok ? check.value : undefined;
}

/** Ids used in URL paths: run_4821, call ids and request ids (UUIDs). Nothing that alters the path. */
export function toResourceId(input: unknown): string | undefined {
	const text = typeof input === 'number' && Number.isSafeInteger(input) ? String(input) : input;
	if (typeof text !== 'string') return undefined;
	const trimmed = text.trim();
	return /^[A-Za-z0-9_-]{1,128}$/.test(trimmed) ? trimmed : undefined;
}

export const KEYPAD_DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'] as const;

/**
 * Keypad actions the node offers. The spec documents only connect_agent (the default); the others
 * are this package's documented set (see docs: actions-assumptions).
 */
export const KEYPAD_ACTIONS = ['connect_agent', 'callback', 'opt_out', 'repeat'] as const;

export function toKeypadDigit(input: unknown): string | undefined {
	const text = typeof input === 'number' ? String(input) : input;
	if (typeof text !== 'string') return undefined;
	const trimmed = text.trim();
	return (KEYPAD_DIGITS as readonly string[]).includes(trimmed) ? trimmed : undefined;
}

export function toKeypadAction(input: unknown): string | undefined {
	if (typeof input !== 'string') return undefined;
	const trimmed = input.trim();
	return (KEYPAD_ACTIONS as readonly string[]).includes(trimmed) ? trimmed : undefined;
}

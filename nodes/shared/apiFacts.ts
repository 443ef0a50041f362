/**
 * Facts about the Agentive Voice API, each defined once and used by both nodes, and the pure checks
 * built on them: each returns the value to send, or `undefined` when the input is not acceptable
 * (the caller names the field in its error).
 */
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

/** The rows of a List response (`data`), or none when the body has no array there. */
export function dataArray<T>(body: unknown): T[] {
	const data = body && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
	return Array.isArray(data) ? (data as T[]) : [];
}

export const DEFAULT_MAX_RATE_LIMIT_WAIT_SEC = 300;
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

const MOBILE_FORMS = [/^([6-9]\d{9})$/, /^91([6-9]\d{9})$/, /^\+91([6-9]\d{9})$/];

/**
 * An Indian mobile number as +91XXXXXXXXXX. A leading 0 is refused (0 + an STD code would pass for
 * a mobile), and so is a JSON number that is not a positive integer.
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

/** A whole number in [min, max] from a number or numeric string; hex, exponents, fractions refused. */
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

/** The trimmed text (or the digits of a number) when `accept` takes it. */
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

// C0, DEL and C1 control characters.
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

export function toKeypadDigit(input: unknown): string | undefined {
	const text = typeof input === 'number' ? String(input) : input;
	if (typeof text !== 'string') return undefined;
	return (KEYPAD_DIGITS as readonly string[]).includes(text.trim()) ? text.trim() : undefined;
}

export function toKeypadAction(input: unknown): string | undefined {
	if (typeof input !== 'string') return undefined;
	return (KEYPAD_ACTIONS as readonly string[]).includes(input.trim()) ? input.trim() : undefined;
}

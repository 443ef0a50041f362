import { DateTime } from 'luxon';

/** Every timestamp of the API is IST; IST has no daylight saving. */
export const API_ZONE = 'Asia/Kolkata';

const DATE_TIME_TEXT = /^\[DateTime: (.+)\]$/;

/**
 * Reads a date for a List filter: an ISO 8601 string, a JS Date, or a Luxon DateTime (what
 * `{{ $now }}` and date expressions produce). A date or time without an offset is read as IST,
 * the time zone every timestamp of the API uses. Returns undefined when unreadable.
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
		// Only the ISO forms; "06/04/2026" means different days in different countries.
		if (!/^\d{4}-\d{2}-\d{2}/.test(wrapped)) return undefined;
		result = DateTime.fromISO(wrapped, { zone: API_ZONE, setZone: true });
	}
	return result?.isValid ? result : undefined;
}

/** ISO 8601 with an explicit +05:30 offset, e.g. 2026-06-04T21:42:08+05:30 (milliseconds kept when present). */
export function toApiTimestamp(value: DateTime): string {
	const ist = value.setZone(API_ZONE);
	return ist.toISO({ suppressMilliseconds: true, includeOffset: true }) as string;
}

/** IST formatting and ISO 8601 parsing. IST has no daylight saving, so a fixed +05:30 is exact. */
const IST_OFFSET_MS = 330 * 60 * 1000;

/** 2026-06-04T21:42:08+05:30 (whole seconds, as the API shows them). */
export function formatIst(ms: number): string {
	return (
		new Date(Math.floor(ms / 1000) * 1000 + IST_OFFSET_MS).toISOString().slice(0, 19) + '+05:30'
	);
}

const ISO =
	/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Parses an ISO 8601 date or timestamp to epoch ms. A date alone means IST midnight; a timestamp
 * without an offset is read as IST (every timestamp of this API is IST). Returns null when invalid.
 */
export function parseIsoInstant(input: string): number | null {
	const m = ISO.exec(input);
	if (!m) return null;
	const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	const hour = Number(h);
	const minute = Number(mi);
	const second = Number(s);
	if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
	// Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear takes every 4-digit year as written.
	const date = new Date(
		Date.UTC(2000, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3))),
	);
	date.setUTCFullYear(year);
	const utc = date.getTime();
	if (date.getUTCDate() !== day) return null; // 2026-02-30 and friends
	const offset = offsetMs(zone);
	return Number.isNaN(offset) ? null : utc - offset;
}

function offsetMs(zone: string | undefined): number {
	if (zone === undefined) return IST_OFFSET_MS;
	if (zone === 'Z') return 0;
	const sign = zone.startsWith('-') ? -1 : 1;
	const digits = zone.slice(1).replace(':', '');
	const hours = Number(digits.slice(0, 2));
	const minutes = Number(digits.slice(2) || '0');
	if (hours > 23 || minutes > 59) return Number.NaN;
	return sign * (hours * 60 + minutes) * 60 * 1000;
}

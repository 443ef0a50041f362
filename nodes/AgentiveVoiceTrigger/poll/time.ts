import { DateTime, FixedOffsetZone } from 'luxon';

/** IST has no daylight saving, so a fixed +05:30 is exact (and needs no time-zone database). */
const IST = FixedOffsetZone.instance(330);

/**
 * A created_at value as an instant (epoch ms), or null when absent or unreadable. The spec says
 * every timestamp is IST, so one without an offset is read as IST, never as the host's zone.
 */
export function parseApiInstant(value: unknown): number | null {
	if (typeof value !== 'string' || value === '') return null;
	const parsed = DateTime.fromISO(value, { zone: IST });
	return parsed.isValid ? parsed.toMillis() : null;
}

/** An instant as the API writes it, with an explicit offset: 2026-06-04T21:42:08+05:30. */
export function formatApiInstant(ms: number): string {
	return DateTime.fromMillis(ms, { zone: IST }).toISO({ suppressMilliseconds: true }) as string;
}

export const toSeconds = (ms: number): number => Math.floor(ms / 1000);

import { formatApiInstant, parseApiInstant } from '../../nodes/shared/apiFacts';

describe('Agentive Voice Trigger: API instants', () => {
	it('reads created_at as an instant, whatever offset it carries', () => {
		const utc = Date.parse('2026-06-04T16:12:08Z');
		expect(parseApiInstant('2026-06-04T21:42:08+05:30')).toBe(utc);
		expect(parseApiInstant('2026-06-04T16:12:08Z')).toBe(utc);
		expect(parseApiInstant('2026-06-04T16:12:08.000+00:00')).toBe(utc);
	});

	it('reads a timestamp without an offset as IST (the spec: every timestamp is IST), not host time', () => {
		expect(parseApiInstant('2026-06-04T21:42:08')).toBe(Date.parse('2026-06-04T16:12:08Z'));
	});

	it('returns null for a missing or unreadable created_at', () => {
		expect(parseApiInstant(null)).toBeNull();
		expect(parseApiInstant('')).toBeNull();
		expect(parseApiInstant('yesterday')).toBeNull();
	});

	it('writes from/to with an explicit +05:30 offset and whole seconds', () => {
		expect(formatApiInstant(Date.parse('2026-06-04T16:12:08Z'))).toBe('2026-06-04T21:42:08+05:30');
		expect(formatApiInstant(Date.parse('2026-12-31T18:30:00Z'))).toBe('2027-01-01T00:00:00+05:30');
	});
});

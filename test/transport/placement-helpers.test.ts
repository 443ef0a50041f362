import { cleanReferenceId, createdAtMs } from '../../nodes/AgentiveVoice/transport/placement';

describe('placement lookup helpers', () => {
	it('cleans a reference_id the way the API does, so a lookup compares like with like', () => {
		expect(cleanReferenceId('order-1')).toBe('order-1');
		expect(cleanReferenceId('ord\u0000er\n-\u00851')).toBe('order-1');
		expect(cleanReferenceId('x'.repeat(130))).toBe('x'.repeat(120));
		expect(cleanReferenceId('😀'.repeat(121))).toBe('😀'.repeat(120));
		expect(cleanReferenceId(42)).toBe('42');
		expect(cleanReferenceId('\u0001')).toBeUndefined();
		expect(cleanReferenceId(undefined)).toBeUndefined();
	});

	it('reads created_at as the API writes it; a timestamp without an offset is IST, never host time', () => {
		const utc = Date.UTC(2026, 5, 4, 16, 12, 8);
		expect(createdAtMs('2026-06-04T21:42:08+05:30')).toBe(utc);
		expect(createdAtMs('2026-06-04T16:12:08Z')).toBe(utc);
		expect(createdAtMs('2026-06-04T21:42:08')).toBe(utc);
		expect(createdAtMs('yesterday')).toBeUndefined();
		expect(createdAtMs(null)).toBeUndefined();
	});
});

import { cleanReferenceId, istTimestamp } from '../../nodes/AgentiveVoice/transport/placement';

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

	it('formats the lookup start in IST with an explicit offset, whole seconds', () => {
		expect(istTimestamp(Date.UTC(2026, 5, 4, 16, 12, 8, 999))).toBe('2026-06-04T21:42:08+05:30');
		expect(istTimestamp(Date.UTC(2026, 11, 31, 20, 0, 0))).toBe('2027-01-01T01:30:00+05:30');
	});
});

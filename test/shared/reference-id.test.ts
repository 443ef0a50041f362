/**
 * The package's one reference_id rule (nodes/shared/apiFacts.ts, docs/assumptions.md): control
 * characters stripped and ends trimmed, as the API does; over 120 characters refused, never cut.
 * The same function cleans a value the user gives (Call › Place, Send Code, Campaign › Trigger),
 * checks a generated one, and reads the reference_id a listed call echoes in the placement lookup.
 * That the nodes refuse a long value with an error naming the field is tested through the engine
 * in test/nodes/validation.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { cleanReferenceId, parseApiInstant, REFERENCE_ID_MAX } from '../../nodes/shared/apiFacts';
import { generateReferenceId } from '../../nodes/AgentiveVoice/helpers/requestOptions';

describe('the reference_id rule', () => {
	it('strips control characters and trims, so a lookup compares like with like', () => {
		expect(cleanReferenceId('order-1')).toEqual({ ok: true, value: 'order-1' });
		expect(cleanReferenceId('ord\u0000er\n-\u00851')).toEqual({ ok: true, value: 'order-1' });
		expect(cleanReferenceId('  order-1\t')).toEqual({ ok: true, value: 'order-1' });
		expect(cleanReferenceId(42)).toEqual({ ok: true, value: '42' });
	});

	it('treats empty, nothing left after cleaning, and absent as no reference_id', () => {
		expect(cleanReferenceId('\u0001')).toEqual({ ok: true, value: undefined });
		expect(cleanReferenceId('')).toEqual({ ok: true, value: undefined });
		expect(cleanReferenceId(undefined)).toEqual({ ok: true, value: undefined });
		expect(cleanReferenceId(null)).toEqual({ ok: true, value: undefined });
	});

	it('accepts 120 characters (code points) and refuses 121 rather than cutting it', () => {
		expect(REFERENCE_ID_MAX).toBe(120);
		expect(cleanReferenceId('x'.repeat(120))).toEqual({ ok: true, value: 'x'.repeat(120) });
		expect(cleanReferenceId('😀'.repeat(120))).toEqual({ ok: true, value: '😀'.repeat(120) });
		expect(cleanReferenceId('x'.repeat(121))).toEqual({ ok: false });
		expect(cleanReferenceId('😀'.repeat(121))).toEqual({ ok: false });
		// Two keys that share their first 120 characters stay two keys: both are refused.
		expect(cleanReferenceId(`${'x'.repeat(120)}a`)).toEqual({ ok: false });
		// Control characters do not count: they are stripped first.
		expect(cleanReferenceId(`${'x'.repeat(120)}\u0000\n`)).toEqual({
			ok: true,
			value: 'x'.repeat(120),
		});
	});

	it('refuses a value that is not text or a number', () => {
		expect(cleanReferenceId({ id: 1 })).toEqual({ ok: false });
		expect(cleanReferenceId(['a'])).toEqual({ ok: false });
	});

	it('holds for generated reference ids: repeatable for an item of one run, different for another item or run', () => {
		// A context without run data: the chain lives for this node run only (no custom data to keep it).
		const context = () =>
			({
				getNode: () => ({ id: 'node-1', name: 'Agentive Voice' }),
				getExecutionId: () => 'exec-1',
			}) as unknown as IExecuteFunctions;
		const ctx = context();
		const first = generateReferenceId(ctx, 0);
		expect(first).toMatch(/^n8n-[A-Za-z0-9]{10}-[0-9a-z]+-0-0$/);
		expect(cleanReferenceId(first)).toEqual({ ok: true, value: first });
		expect(generateReferenceId(ctx, 0)).toBe(first);
		expect(generateReferenceId(ctx, 1)).not.toBe(first);
		expect(generateReferenceId(context(), 0)).not.toBe(first);
		expect(generateReferenceId(ctx, 99_999).length).toBeLessThanOrEqual(REFERENCE_ID_MAX);
	});
});

describe('API timestamps (the one parser the placement lookup and the trigger share)', () => {
	it('reads created_at as the API writes it; a timestamp without an offset is IST, never host time', () => {
		const utc = Date.UTC(2026, 5, 4, 16, 12, 8);
		expect(parseApiInstant('2026-06-04T21:42:08+05:30')).toBe(utc);
		expect(parseApiInstant('2026-06-04T16:12:08Z')).toBe(utc);
		expect(parseApiInstant('2026-06-04T21:42:08')).toBe(utc);
		expect(parseApiInstant('yesterday')).toBeNull();
		expect(parseApiInstant(null)).toBeNull();
	});
});

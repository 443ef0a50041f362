/** Unit scenarios for the pieces every time- and format-based behaviour rests on. */
import { createClock } from '../../sandbox/clock';
import { FixedWindowLimiter } from '../../sandbox/domain/rateWindow';
import { formatIst, parseIsoInstant } from '../../sandbox/domain/time';
import { parseRange } from '../../sandbox/http/range';
import { sanitiseReferenceId } from '../../sandbox/domain/referenceId';
import { normaliseNumber } from '../../sandbox/domain/numbers';
import { toneWav } from '../../sandbox/domain/wav';

describe('clock', () => {
	let real = 1_000_000;
	const realNow = () => real;
	beforeEach(() => {
		real = 1_000_000;
	});

	it('real: follows the real clock, plus any advance', () => {
		const clock = createClock({ mode: 'real' }, realNow);
		real += 500;
		expect(clock.now()).toBe(1_000_500);
		clock.advance(1_000);
		expect(clock.now()).toBe(1_001_500);
	});

	it('scaled: 60× runs a minute per real second, from the real start time', () => {
		const clock = createClock({ mode: 'scaled', speed: 60 }, realNow);
		expect(clock.now()).toBe(1_000_000);
		real += 1_000;
		expect(clock.now()).toBe(1_060_000);
		clock.advance(5);
		expect(clock.now()).toBe(1_060_005);
	});

	it('manual: stands still until advanced; startMs sets the start', () => {
		const clock = createClock({ mode: 'manual', startMs: 42 }, realNow);
		real += 10_000;
		expect(clock.now()).toBe(42);
		clock.advance(8);
		expect(clock.now()).toBe(50);
	});

	it('refuses to go backwards or to run at speed 0', () => {
		expect(() => createClock({ mode: 'manual' }, realNow).advance(-1)).toThrow();
		expect(() => createClock({ mode: 'scaled', speed: 0 }, realNow)).toThrow();
		expect(() => createClock({ mode: 'scaled', speed: Number.NaN }, realNow)).toThrow();
	});
});

describe('fixed rate windows', () => {
	it('counts within a window, reports whole seconds to reset, and reopens after', () => {
		const limiter = new FixedWindowLimiter(2, 1_500);
		expect(limiter.hit('a', 0)).toEqual({ allowed: true, limit: 2, remaining: 1, resetSec: 2 });
		expect(limiter.hit('a', 600)).toEqual({ allowed: true, limit: 2, remaining: 0, resetSec: 1 });
		expect(limiter.hit('a', 700).allowed).toBe(false);
		expect(limiter.hit('b', 700).allowed).toBe(true);
		expect(limiter.hit('a', 1_500)).toMatchObject({ allowed: true, remaining: 1 });
	});
});

describe('IST time', () => {
	it('formats whole seconds with +05:30', () => {
		expect(formatIst(Date.UTC(2026, 5, 4, 16, 12, 8, 999))).toBe('2026-06-04T21:42:08+05:30');
	});

	it.each([
		['2026-06-04T21:42:08+05:30', Date.UTC(2026, 5, 4, 16, 12, 8)],
		['2026-06-04T16:12:08Z', Date.UTC(2026, 5, 4, 16, 12, 8)],
		['2026-06-04T16:12:08.250Z', Date.UTC(2026, 5, 4, 16, 12, 8, 250)],
		['2026-06-04T12:12:08-0400', Date.UTC(2026, 5, 4, 16, 12, 8)],
		['2026-06-04', Date.UTC(2026, 5, 3, 18, 30)],
		['2026-06-04T21:42', Date.UTC(2026, 5, 4, 16, 12)],
		['2024-02-29', Date.UTC(2024, 1, 28, 18, 30)],
		// Every 4-digit year as written (Date.UTC alone would read 0050 as 1950).
		['0050-01-01T00:00:00Z', new Date('0050-01-01T00:00:00Z').getTime()],
		['9999-12-31T23:59:59+05:30', new Date('9999-12-31T18:29:59Z').getTime()],
	])('parses %s', (text, expected) => {
		expect(parseIsoInstant(text)).toBe(expected);
	});

	it.each([
		'2026-06-04 10:00',
		'2025-02-29',
		'2026-06-04T24:00:00Z',
		'2026-06-04T10:00:00+24:00',
		'04/06/2026',
		'2026-6-4',
		'+010000-01-01T00:00:00Z',
		'1900-02-29',
		'',
	])('rejects %j', (text) => {
		expect(parseIsoInstant(text)).toBeNull();
	});
});

describe('byte ranges', () => {
	it.each([
		['bytes=0-9', { kind: 'partial', start: 0, end: 9 }],
		['bytes=90-', { kind: 'partial', start: 90, end: 99 }],
		['bytes=-10', { kind: 'partial', start: 90, end: 99 }],
		['bytes=95-500', { kind: 'partial', start: 95, end: 99 }],
		['bytes=100-', { kind: 'unsatisfiable' }],
		['bytes=-0', { kind: 'unsatisfiable' }],
		['bytes=9-3', { kind: 'unsatisfiable' }],
		['bytes=0-1,4-5', { kind: 'none' }],
		['pages=1-2', { kind: 'none' }],
	])('%s of 100 bytes', (header, expected) => {
		expect(parseRange(header, 100)).toEqual(expected);
	});
});

describe('small rules', () => {
	it('reference ids: strings cleaned, numbers stringified, other types invalid', () => {
		expect(sanitiseReferenceId(' a\u0085b ')).toEqual({ ok: true, value: ' ab ' });
		expect(sanitiseReferenceId(7)).toEqual({ ok: true, value: '7' });
		expect(sanitiseReferenceId(false)).toEqual({ ok: false });
	});

	it('numbers: the three forms, 6–9 leading digit', () => {
		expect(['6000000000', '916000000000', '+916000000000'].map(normaliseNumber)).toEqual([
			'+916000000000',
			'+916000000000',
			'+916000000000',
		]);
		expect(normaliseNumber('5999999999')).toBeNull();
	});

	it('a generated WAV is exactly header + samples', () => {
		const wav = toneWav(1, 440);
		expect(wav.length).toBe(44 + 8000 * 2);
		expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
	});
});

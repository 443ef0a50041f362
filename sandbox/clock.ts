/**
 * The injected clock. Every time-based behaviour (call progress, OTP expiry, rate windows) reads
 * this, never Date.now(), so tests can run time faster or move it by hand.
 */
export type ClockOptions =
	| { mode: 'real' }
	| { mode: 'scaled'; speed: number }
	| { mode: 'manual'; startMs?: number };

export interface Clock {
	now(): number;
	/** Moves the clock forward; allowed in every mode (real and scaled keep an offset). */
	advance(ms: number): void;
	readonly mode: ClockOptions['mode'];
	readonly speed: number;
}

export function createClock(
	options: ClockOptions = { mode: 'real' },
	realNow: () => number = Date.now,
): Clock {
	const origin = realNow();
	let offset = 0;
	const speed = options.mode === 'scaled' ? options.speed : options.mode === 'manual' ? 0 : 1;
	if (!Number.isFinite(speed) || speed < 0 || (options.mode === 'scaled' && speed <= 0)) {
		throw new Error(`Invalid clock speed: ${String(speed)}`);
	}
	const start =
		options.mode === 'manual' && options.startMs !== undefined ? options.startMs : origin;
	return {
		mode: options.mode,
		speed,
		// Math.floor keeps scaled time on whole milliseconds, like Date.now().
		now: () => Math.floor(start + (realNow() - origin) * speed + offset),
		advance(ms: number) {
			if (!Number.isFinite(ms) || ms < 0)
				throw new Error('The clock only moves forward: ms must be a finite number >= 0.');
			offset += ms;
		},
	};
}

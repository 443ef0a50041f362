import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time string comparison. Hashing first gives equal-length buffers, so not even the length leaks. */
export function secureEqual(given: string, expected: string): boolean {
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

/**
 * The three documented number forms, and nothing else: 9812345678, 919812345678, +919812345678.
 * Indian mobile numbers start with 6-9. Whitespace, dashes, a leading 0 or 0091 are rejected on
 * purpose, so a client that forgets to clean input finds out here rather than in production.
 */
const FORMS = [/^([6-9]\d{9})$/, /^91([6-9]\d{9})$/, /^\+91([6-9]\d{9})$/];

export const INVALID_NUMBER = 'A valid Indian mobile number is required.';

/** Returns the ten national digits, or null when the value is not one of the documented forms. */
export function nationalDigits(input: unknown): string | null {
	if (typeof input !== 'string') return null;
	for (const form of FORMS) {
		const match = form.exec(input);
		if (match) return match[1];
	}
	return null;
}

/** Normalises to +91XXXXXXXXXX, or null. */
export function normaliseNumber(input: unknown): string | null {
	const digits = nationalDigits(input);
	return digits === null ? null : `+91${digits}`;
}

/**
 * Caller ids are landlines such as 07965318581, so they are compared by their national digits:
 * strip everything but digits, then a leading 91 (12 digits) or 0 (11 digits).
 */
export function callerIdKey(input: string): string {
	let digits = input.replace(/\D/g, '');
	if (digits.length === 12 && digits.startsWith('91')) digits = digits.slice(2);
	if (digits.length === 11 && digits.startsWith('0')) digits = digits.slice(1);
	return digits;
}

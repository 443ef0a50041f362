/**
 * Pure checks and normalisers for parameter values. Each returns the value to send, or
 * `undefined` when the input is not acceptable; the caller (parameters.ts) turns that into a
 * NodeOperationError that names the field. No n8n context here, so the rules are easy to read.
 */

/** The three documented forms, once spaces and dashes are removed. Mobiles start with 6-9. */
const MOBILE_FORMS = [/^([6-9]\d{9})$/, /^91([6-9]\d{9})$/, /^\+91([6-9]\d{9})$/];

/**
 * An Indian mobile number in +91XXXXXXXXXX form. Spaces, dashes, dots and brackets are
 * tolerated. A leading 0 is refused: 0 + a landline STD code (07965318581) would otherwise pass
 * for a mobile number.
 */
export function normaliseMobileNumber(input: unknown): string | undefined {
	let text: string;
	if (typeof input === 'string') text = input;
	else if (typeof input === 'number' && Number.isSafeInteger(input)) text = String(input);
	else return undefined;
	const compact = text.replace(/[\s\-.()]/g, '');
	for (const form of MOBILE_FORMS) {
		const match = form.exec(compact);
		if (match) return `+91${match[1]}`;
	}
	return undefined;
}

/**
 * A whole number from a number or a numeric string (expressions often produce strings).
 * Hex, exponents and fractions are refused, as is anything outside [min, max].
 */
export function toWholeNumber(input: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
	let value: number;
	if (typeof input === 'number') value = input;
	else if (typeof input === 'string' && /^\s*[+-]?\d+(\.0+)?\s*$/.test(input)) value = Number(input);
	else return undefined;
	if (!Number.isSafeInteger(value) || value < min || value > max) return undefined;
	return value;
}

/** True for a value the user left empty (including an expression that resolved to nothing). */
export function isEmpty(input: unknown): boolean {
	return input === undefined || input === null || (typeof input === 'string' && input.trim() === '');
}

/** A numeric code of 4 to 8 digits. Numbers from expressions are accepted as their digits. */
export function toOtpCode(input: unknown): string | undefined {
	const text = typeof input === 'number' && Number.isSafeInteger(input) ? String(input) : input;
	if (typeof text !== 'string') return undefined;
	const trimmed = text.trim();
	return /^\d{4,8}$/.test(trimmed) ? trimmed : undefined;
}

export const REFERENCE_ID_MAX = 120;

// C0, DEL and C1 control characters: the API strips them, so the node does the same before
// sending. Sending the cleaned value keeps the echoed reference_id equal to the one used to
// look a call up after a lost response.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

export type ReferenceIdCheck = { ok: true; value: string | undefined } | { ok: false };

/** Strips control characters; refuses more than 120 characters (code points) rather than truncating. */
export function cleanReferenceId(input: unknown): ReferenceIdCheck {
	if (input === undefined || input === null) return { ok: true, value: undefined };
	if (typeof input !== 'string' && typeof input !== 'number') return { ok: false };
	const cleaned = String(input).replace(CONTROL_CHARACTERS, '').trim();
	if (Array.from(cleaned).length > REFERENCE_ID_MAX) return { ok: false };
	return { ok: true, value: cleaned === '' ? undefined : cleaned };
}

/** Ids used in URL paths: run_4821, call ids and request ids (UUIDs). Nothing that alters the path. */
export function toResourceId(input: unknown): string | undefined {
	const text = typeof input === 'number' && Number.isSafeInteger(input) ? String(input) : input;
	if (typeof text !== 'string') return undefined;
	const trimmed = text.trim();
	return /^[A-Za-z0-9_-]{1,128}$/.test(trimmed) ? trimmed : undefined;
}

export const KEYPAD_DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'] as const;

/**
 * Keypad actions the node offers. The spec documents only connect_agent (the default); the others
 * are this package's documented set (see docs: actions-assumptions).
 */
export const KEYPAD_ACTIONS = ['connect_agent', 'callback', 'opt_out', 'repeat'] as const;

export function toKeypadDigit(input: unknown): string | undefined {
	const text = typeof input === 'number' ? String(input) : input;
	if (typeof text !== 'string') return undefined;
	const trimmed = text.trim();
	return (KEYPAD_DIGITS as readonly string[]).includes(trimmed) ? trimmed : undefined;
}

export function toKeypadAction(input: unknown): string | undefined {
	if (typeof input !== 'string') return undefined;
	const trimmed = input.trim();
	return (KEYPAD_ACTIONS as readonly string[]).includes(trimmed) ? trimmed : undefined;
}

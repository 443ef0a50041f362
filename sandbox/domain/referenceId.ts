/** reference_id: control characters stripped, then capped at 120 characters (code points, so no half emoji). */
export const REFERENCE_ID_MAX = 120;

// C0, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export type ReferenceIdResult = { ok: true; value: string | null } | { ok: false };

/** Strings are cleaned, finite numbers become strings, null/absent is null, anything else is invalid. */
export function sanitiseReferenceId(input: unknown): ReferenceIdResult {
	if (input === undefined || input === null) return { ok: true, value: null };
	let text: string;
	if (typeof input === 'string') text = input;
	else if (typeof input === 'number' && Number.isFinite(input)) text = String(input);
	else return { ok: false };
	const stripped = text.replace(CONTROL, '');
	// Code points only matter near the cap; short strings skip the split.
	const cleaned =
		stripped.length <= REFERENCE_ID_MAX
			? stripped
			: Array.from(stripped).slice(0, REFERENCE_ID_MAX).join('');
	return { ok: true, value: cleaned === '' ? null : cleaned };
}

/** For echoing on error responses: never fails, invalid values echo as null. */
export function echoReferenceId(input: unknown): string | null {
	const result = sanitiseReferenceId(input);
	return result.ok ? result.value : null;
}

import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	cleanReferenceId,
	isEmpty,
	normaliseMobileNumber,
	REFERENCE_ID_MAX,
	toOtpCode,
	toResourceId,
	toApiTimestamp,
	toDateTime,
	toWholeNumber,
} from '../../shared/apiFacts';

const SHOWN_VALUE_MAX = 60;

/** The bad value as the user would recognise it: quoted, control characters escaped, shortened. */
export function showValue(value: unknown): string {
	if (isEmpty(value)) return '(empty)';
	let text: string;
	if (typeof value === 'string') text = JSON.stringify(value);
	else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
	else {
		try {
			text = JSON.stringify(value) ?? String(value);
		} catch {
			text = String(value);
		}
	}
	const chars = Array.from(text);
	return chars.length > SHOWN_VALUE_MAX ? `${chars.slice(0, SHOWN_VALUE_MAX).join('')}…` : text;
}

export const ACCEPTED = {
	number:
		'an Indian mobile number such as 9812345678, 919812345678 or +919812345678 (spaces and dashes are ignored)',
	code: 'a code of 4 to 8 digits, such as 4821',
	referenceId: `text of at most ${REFERENCE_ID_MAX} characters`,
	id: 'an id such as run_4821 or 5f3c8b2a-1d4e-4a9c-9e7b-2c6f0a1b3d8e (letters, digits, _ and -)',
	date: 'an ISO 8601 date or timestamp such as 2026-06-04 or 2026-06-04T21:42:08+05:30, or a date from an expression such as {{ $now }}',
} as const;

/**
 * Reads one item's parameters and checks them before any request is sent. Every failure is a
 * NodeOperationError for that item that names the field, shows the bad value and says what is
 * accepted.
 */
export class ItemParameters {
	constructor(
		readonly ctx: IExecuteFunctions,
		readonly itemIndex: number,
	) {}

	invalid(field: string, value: unknown, accepted: string, description?: string): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), `Invalid ${field} ${showValue(value)}: expected ${accepted}`, {
			itemIndex: this.itemIndex,
			description: description ?? `Set ${field} to ${accepted}.`,
		});
	}

	raw(name: string, fallback?: unknown): unknown {
		return this.ctx.getNodeParameter(name, this.itemIndex, fallback) as unknown;
	}

	/** A parameter that must be one of a fixed set (options fields set by expression). */
	oneOf<T extends string>(name: string, field: string, allowed: readonly T[]): T {
		const value = this.raw(name);
		if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
		throw this.invalid(field, value, `one of ${allowed.join(', ')}`);
	}

	/** Any non-empty text, trimmed (e.g. a caller id the API checks against the account). */
	text(name: string, field: string, accepted: string): string {
		return this.textValue(this.raw(name), field, accepted);
	}

	optionalText(value: unknown, field: string, accepted: string): string | undefined {
		return isEmpty(value) ? undefined : this.textValue(value, field, accepted);
	}

	private textValue(value: unknown, field: string, accepted: string): string {
		if ((typeof value === 'string' || typeof value === 'number') && String(value).trim() !== '') {
			return String(value).trim();
		}
		throw this.invalid(field, value, accepted);
	}

	mobileNumber(name: string, field = 'Number'): string {
		return this.mobileNumberValue(this.raw(name), field);
	}

	mobileNumberValue(value: unknown, field = 'Number'): string {
		const normalised = normaliseMobileNumber(value);
		if (normalised === undefined) throw this.invalid(field, value, ACCEPTED.number);
		return normalised;
	}

	wholeNumber(name: string, field: string, min: number, max?: number): number {
		return this.wholeNumberValue(this.raw(name), field, min, max);
	}

	wholeNumberValue(value: unknown, field: string, min: number, max?: number): number {
		const parsed = toWholeNumber(value, min, max);
		if (parsed === undefined) {
			const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
			throw this.invalid(field, value, `a whole number ${range}`);
		}
		return parsed;
	}

	/** Undefined when left empty; otherwise a whole number in range. */
	optionalWholeNumber(value: unknown, field: string, min: number, max?: number): number | undefined {
		return isEmpty(value) ? undefined : this.wholeNumberValue(value, field, min, max);
	}

	otpCode(value: unknown, field = 'Code'): string {
		const code = toOtpCode(value);
		if (code === undefined) throw this.invalid(field, value, ACCEPTED.code);
		return code;
	}

	resourceId(name: string, field: string): string {
		const value = this.raw(name);
		const id = toResourceId(value);
		if (id === undefined) throw this.invalid(field, value, ACCEPTED.id);
		return id;
	}

	/** Control characters stripped; longer than 120 characters is refused. Undefined when empty. */
	referenceId(name = 'referenceId', field = 'Reference ID'): string | undefined {
		const value = this.raw(name, '');
		const result = cleanReferenceId(value);
		if (!result.ok) {
			throw this.invalid(
				field,
				value,
				ACCEPTED.referenceId,
				`The API caps reference IDs at ${REFERENCE_ID_MAX} characters. Use a shorter key, such as your order or ticket number.`,
			);
		}
		return result.value;
	}

	/** A date for a List filter, sent as ISO 8601 with an explicit +05:30 offset. */
	timestamp(value: unknown, field: string): { iso: string; millis: number } {
		const parsed = toDateTime(value);
		if (parsed === undefined) throw this.invalid(field, value, ACCEPTED.date);
		return { iso: toApiTimestamp(parsed), millis: parsed.toMillis() };
	}
}

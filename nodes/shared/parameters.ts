import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	API_DATE_RANGE,
	cleanReferenceId,
	isEmpty,
	normaliseMobileNumber,
	REFERENCE_ID_MAX,
	toOtpCode,
	toResourceId,
	toApiTimestamp,
	toDateTime,
	toWholeNumber,
} from './apiFacts';

const SHOWN_VALUE_MAX = 60;

/** The bad value as the user would recognise it: quoted, escaped, shortened. */
function showValue(value: unknown): string {
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

const ACCEPTED = {
	number:
		'an Indian mobile number such as 9812345678, 919812345678 or +919812345678 (spaces and dashes are ignored)',
	code: 'a code of 4 to 8 digits, such as 4821',
	referenceId: `text of at most ${REFERENCE_ID_MAX} characters`,
	id: 'an id such as run_4821 or 5f3c8b2a-1d4e-4a9c-9e7b-2c6f0a1b3d8e (letters, digits, _ and -)',
	date: 'an ISO 8601 date or timestamp such as 2026-06-04 or 2026-06-04T21:42:08+05:30, or a date from an expression such as {{ $now }}',
} as const;

/**
 * Reads parameters by name and checks them (with the pure checks of apiFacts.ts) before any
 * request. Every failure is a NodeOperationError for the item that names the field ("Options ›
 * Timeout (ms)"), shows the bad value and says what is accepted.
 */
export class FieldReader {
	constructor(
		protected readonly node: INode,
		/** undefined in the trigger, whose poll has no items. */
		private readonly errorItemIndex: number | undefined,
		/** The collection's display name, prefixed to every field name; '' for top-level fields. */
		private readonly prefix: string,
		protected readonly read: (name: string, fallback: unknown) => unknown,
	) {}

	/** The value as set, unchecked; a failing expression's error starts with the field's name. */
	value(name: string, fallback?: unknown, field = name): unknown {
		return this.named(field, () => this.read(name, fallback));
	}

	protected named(field: string, readValue: () => unknown): unknown {
		try {
			return readValue();
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			const description = (error as { description?: unknown }).description;
			// A parameter that is not set at all is n8n's matter, not an expression's.
			const message = reason.startsWith('Could not get parameter')
				? reason
				: `${this.nameOf(field)}: the expression failed: ${reason}`;
			throw new NodeOperationError(this.node, message, {
				itemIndex: this.errorItemIndex,
				description: typeof description === 'string' ? description : undefined,
			});
		}
	}

	private nameOf(field: string): string {
		return this.prefix ? `${this.prefix} › ${field}` : field;
	}

	invalid(
		field: string,
		value: unknown,
		accepted: string,
		description?: string,
	): NodeOperationError {
		const name = this.nameOf(field);
		const message = `Invalid ${name} ${showValue(value)}: expected ${accepted}`;
		const itemIndex = this.errorItemIndex;
		description ??= `Set ${name} to ${accepted}.`;
		return new NodeOperationError(this.node, message, { itemIndex, description });
	}

	/** Read field by field (n8n reads a dotted path), so a failing expression names its own field. */
	collection(name: string, label: string): CollectionParameters {
		const readField = (key: string, fallback: unknown) =>
			this.read(`${name}.${key}`, null) ?? fallback;
		return new FieldReader(this.node, this.errorItemIndex, this.nameOf(label), readField);
	}

	private checked<T>(
		name: string,
		field: string,
		accepted: string,
		check: (value: unknown) => T | undefined,
	): T {
		const value = this.value(name, undefined, field);
		const result = check(value);
		if (result === undefined) throw this.invalid(field, value, accepted);
		return result;
	}

	private optional<T>(name: string, field: string, read: () => T): T | undefined {
		return isEmpty(this.value(name, undefined, field)) ? undefined : read();
	}

	flag(name: string, field: string, fallback = false): boolean {
		return this.value(name, fallback, field) === true;
	}

	oneOf<T extends string>(name: string, field: string, allowed: readonly T[]): T {
		return this.checked(name, field, `one of ${allowed.join(', ')}`, (value) =>
			(allowed as readonly unknown[]).includes(value) ? (value as T) : undefined,
		);
	}

	/** A multiOptions list; a single value (from an expression) is a list of one. */
	listOf<T extends string>(name: string, field: string, allowed: readonly T[]): T[] {
		const value = this.value(name, [], field);
		if (isEmpty(value)) return [];
		const list = Array.isArray(value) ? (value as unknown[]) : [value];
		const bad = list.findIndex((entry) => !(allowed as readonly unknown[]).includes(entry));
		if (bad >= 0) throw this.invalid(field, list[bad], `one of ${allowed.join(', ')}`);
		return list as T[];
	}

	optionalOneOf<T extends string>(name: string, field: string, allowed: readonly T[]) {
		return this.optional(name, field, () => this.oneOf(name, field, allowed));
	}

	/** Any non-empty text, trimmed (e.g. a caller id the API checks against the account). */
	text(name: string, field: string, accepted: string): string {
		return this.checked(name, field, accepted, (value) =>
			(typeof value === 'string' || typeof value === 'number') && String(value).trim() !== ''
				? String(value).trim()
				: undefined,
		);
	}

	optionalText(name: string, field: string, accepted: string): string | undefined {
		return this.optional(name, field, () => this.text(name, field, accepted));
	}

	mobileNumber(name: string, field = 'Number'): string {
		return this.checked(name, field, ACCEPTED.number, normaliseMobileNumber);
	}

	optionalMobileNumber(name: string, field = 'Number'): string | undefined {
		return this.optional(name, field, () => this.mobileNumber(name, field));
	}

	wholeNumber(name: string, field: string, min: number, max?: number): number {
		const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
		return this.checked(name, field, `a whole number ${range}`, (value) =>
			toWholeNumber(value, min, max),
		);
	}

	optionalWholeNumber(name: string, field: string, min: number, max?: number): number | undefined {
		return this.optional(name, field, () => this.wholeNumber(name, field, min, max));
	}

	otpCode(name: string, field = 'Code'): string {
		return this.checked(name, field, ACCEPTED.code, toOtpCode);
	}

	resourceId(name: string, field: string): string {
		return this.checked(name, field, ACCEPTED.id, toResourceId);
	}

	referenceId(name = 'referenceId', field = 'Reference ID'): string | undefined {
		const value = this.value(name, '', field);
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

	/**
	 * Undefined when empty; otherwise sent as ISO 8601 with +05:30. A date outside API_DATE_RANGE on
	 * the open side of its `bound` means "no bound"; on the other side no call can match: refused.
	 */
	optionalTimestamp(
		name: string,
		field: string,
		bound: 'lower' | 'upper',
	): { iso: string; millis: number } | undefined {
		const value = this.value(name, undefined, field);
		if (isEmpty(value)) return undefined;
		const parsed = toDateTime(value);
		if (parsed === undefined) throw this.invalid(field, value, ACCEPTED.date);
		const millis = parsed.toMillis();
		const { minMs, maxMs, text } = API_DATE_RANGE;
		if (millis >= minMs && millis <= maxMs) return { iso: toApiTimestamp(parsed), millis };
		if ((bound === 'lower' && millis < minMs) || (bound === 'upper' && millis > maxMs)) {
			return undefined;
		}
		throw this.invalid(field, value, `a date ${text}`);
	}
}

export type CollectionParameters = FieldReader;

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
 * Reads parameters by name and checks them before any request is sent. Every failure is a
 * NodeOperationError for the item that names the field (with its collection: "Options › Timeout
 * (ms)"), shows the bad value and says what is accepted. The checks themselves are the pure
 * functions of nodes/shared/apiFacts.ts; this class only reads values and words errors.
 * The action node reads an item's parameters (ItemParameters), the trigger its poll's.
 */
export abstract class FieldReader {
	constructor(
		protected readonly node: INode,
		/** The item the error belongs to; undefined in the trigger, whose poll has no items. */
		private readonly errorItemIndex: number | undefined,
		/** The collection's display name, prefixed to every field name; '' for top-level fields. */
		private readonly prefix: string,
	) {}

	/** The value as set (or resolved from an expression); n8n's own error if that fails. */
	protected abstract read(name: string, fallback: unknown): unknown;

	/**
	 * The value as set (or resolved from an expression), unchecked. An expression that fails inside
	 * n8n (unknown node, syntax, $env, …) becomes an error that starts with the field's name.
	 */
	value(name: string, fallback?: unknown, field = name): unknown {
		return this.named(field, () => this.read(name, fallback));
	}

	/** Runs an n8n parameter read; its failure becomes an error naming `field`. */
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

	/** An error for `field` (a display name under this reader). */
	invalid(
		field: string,
		value: unknown,
		accepted: string,
		description?: string,
	): NodeOperationError {
		const name = this.nameOf(field);
		return new NodeOperationError(
			this.node,
			`Invalid ${name} ${showValue(value)}: expected ${accepted}`,
			{
				itemIndex: this.errorItemIndex,
				description: description ?? `Set ${name} to ${accepted}.`,
			},
		);
	}

	/**
	 * A collection (or fixedCollection) parameter, read field by field (n8n reads a dotted path), so
	 * that a failing expression is named by its own field.
	 */
	collection(name: string, label: string): CollectionParameters {
		const readField = (key: string): unknown => this.read(`${name}.${key}`, null);
		return new CollectionParameters(this.node, this.errorItemIndex, this.nameOf(label), readField);
	}

	/** True only for `true`. */
	flag(name: string, field: string, fallback = false): boolean {
		return this.value(name, fallback, field) === true;
	}

	/** A parameter that must be one of a fixed set (options fields set by expression). */
	oneOf<T extends string>(name: string, field: string, allowed: readonly T[]): T {
		const value = this.value(name, undefined, field);
		if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
			return value as T;
		throw this.invalid(field, value, `one of ${allowed.join(', ')}`);
	}

	/**
	 * A multiOptions parameter: a list whose every entry is one of a fixed set. A single value (from
	 * an expression) is a list of one; empty is an empty list.
	 */
	listOf<T extends string>(name: string, field: string, allowed: readonly T[]): T[] {
		const value = this.value(name, [], field);
		if (isEmpty(value)) return [];
		const list = Array.isArray(value) ? (value as unknown[]) : [value];
		for (const entry of list) {
			if (typeof entry !== 'string' || !(allowed as readonly string[]).includes(entry)) {
				throw this.invalid(field, entry, `one of ${allowed.join(', ')}`);
			}
		}
		return list as T[];
	}

	/** Undefined when left empty; otherwise one of a fixed set. */
	optionalOneOf<T extends string>(
		name: string,
		field: string,
		allowed: readonly T[],
	): T | undefined {
		return isEmpty(this.value(name, undefined, field))
			? undefined
			: this.oneOf(name, field, allowed);
	}

	/** Any non-empty text, trimmed (e.g. a caller id the API checks against the account). */
	text(name: string, field: string, accepted: string): string {
		const value = this.value(name, undefined, field);
		if ((typeof value === 'string' || typeof value === 'number') && String(value).trim() !== '') {
			return String(value).trim();
		}
		throw this.invalid(field, value, accepted);
	}

	optionalText(name: string, field: string, accepted: string): string | undefined {
		return isEmpty(this.value(name, undefined, field))
			? undefined
			: this.text(name, field, accepted);
	}

	mobileNumber(name: string, field = 'Number'): string {
		const value = this.value(name, undefined, field);
		const normalised = normaliseMobileNumber(value);
		if (normalised === undefined) throw this.invalid(field, value, ACCEPTED.number);
		return normalised;
	}

	optionalMobileNumber(name: string, field = 'Number'): string | undefined {
		return isEmpty(this.value(name, undefined, field)) ? undefined : this.mobileNumber(name, field);
	}

	wholeNumber(name: string, field: string, min: number, max?: number): number {
		const value = this.value(name, undefined, field);
		const parsed = toWholeNumber(value, min, max);
		if (parsed === undefined) {
			const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
			throw this.invalid(field, value, `a whole number ${range}`);
		}
		return parsed;
	}

	/** Undefined when left empty; otherwise a whole number in range. */
	optionalWholeNumber(name: string, field: string, min: number, max?: number): number | undefined {
		return isEmpty(this.value(name, undefined, field))
			? undefined
			: this.wholeNumber(name, field, min, max);
	}

	otpCode(name: string, field = 'Code'): string {
		const value = this.value(name, undefined, field);
		const code = toOtpCode(value);
		if (code === undefined) throw this.invalid(field, value, ACCEPTED.code);
		return code;
	}

	resourceId(name: string, field: string): string {
		const value = this.value(name, undefined, field);
		const id = toResourceId(value);
		if (id === undefined) throw this.invalid(field, value, ACCEPTED.id);
		return id;
	}

	/** The package's reference_id rule (apiFacts.cleanReferenceId). Undefined when empty. */
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
	 * Undefined when empty; otherwise a date sent as ISO 8601 with an explicit +05:30 offset. A
	 * date outside API_DATE_RANGE on the open side of its `bound` (a lower bound before the year
	 * 1000, an upper bound after 9999) means "no bound" and is left out; on the other side no call
	 * can match, so it is refused.
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

/** The fields of one collection parameter (Options, Additional Fields, Filters). */
export class CollectionParameters extends FieldReader {
	constructor(
		node: INode,
		itemIndex: number | undefined,
		label: string,
		private readonly readField: (key: string) => unknown,
	) {
		super(node, itemIndex, label);
	}

	protected read(name: string, fallback: unknown): unknown {
		return this.readField(name) ?? fallback;
	}
}

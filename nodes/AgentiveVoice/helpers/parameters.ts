import type { IExecuteFunctions } from 'n8n-workflow';

import { toWholeNumber } from '../../shared/apiFacts';
import { FieldReader } from '../../shared/parameters';

export class ItemParameters extends FieldReader {
	constructor(
		readonly ctx: IExecuteFunctions,
		readonly itemIndex: number,
	) {
		super(ctx.getNode(), itemIndex, '', (name, fallback) =>
			ctx.getNodeParameter(name, itemIndex, fallback),
		);
	}

	/** A Get Many's Return All and Limit (common.descriptions getManyFields): undefined returns all. */
	limit(): number | undefined {
		return this.flag('returnAll', 'Return All') ? undefined : this.wholeNumber('limit', 'Limit', 1);
	}

	/** A resource locator's value (any mode), or a plain value set by expression. */
	resourceLocator(name: string, field: string): unknown {
		const raw = this.named(field, () =>
			this.ctx.getNodeParameter(name, this.itemIndex, '', { extractValue: true }),
		);
		return raw && typeof raw === 'object' && 'value' in raw
			? (raw as { value: unknown }).value
			: raw;
	}

	resourceLocatorNumber(name: string, field: string, min: number): number {
		const value = this.resourceLocator(name, field);
		const parsed = toWholeNumber(value, min);
		if (parsed === undefined) throw this.invalid(field, value, `a whole number ${min} or more`);
		return parsed;
	}
}

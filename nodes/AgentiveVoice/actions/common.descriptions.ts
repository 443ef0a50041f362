import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	DEFAULT_MAX_RATE_LIMIT_WAIT_SEC,
	OPTION_RANGES,
	REFERENCE_ID_MAX,
} from '../../shared/apiFacts';

/** The editor's bounds of a numeric option: the same range the run checks. */
function rangeOf(name: keyof typeof OPTION_RANGES): INodeProperties['typeOptions'] {
	return { minValue: OPTION_RANGES[name].min, maxValue: OPTION_RANGES[name].max };
}

/**
 * An operation's fields, each shown only for that resource and operation (n8n's v2-node pattern:
 * the condition is written once, and merged with a field's own, e.g. Place's callType).
 */
export function operationFields(
	resource: string,
	operation: string,
	properties: INodeProperties[],
): INodeProperties[] {
	return updateDisplayOptions(
		{ show: { resource: [resource], operation: [operation] } },
		properties,
	);
}

const NUMBER_FORMS =
	'An Indian mobile number: 9812345678, 919812345678 or +919812345678. Spaces and dashes are ignored.';
const REFERENCE_ID_RULES = `At most ${REFERENCE_ID_MAX} characters; control characters are removed.`;

/** The recipient's Number (required unless `overrides` say otherwise). */
export function numberField(
	description: string,
	overrides: Partial<INodeProperties> = {},
): INodeProperties {
	return {
		displayName: 'Number',
		name: 'number',
		type: 'string',
		required: true,
		default: '',
		placeholder: '9812345678',
		description: `${description} ${NUMBER_FORMS}`,
		...overrides,
	};
}

export function referenceIdField(description: string): INodeProperties {
	return {
		displayName: 'Reference ID',
		name: 'referenceId',
		type: 'string',
		default: '',
		placeholder: 'order-99213',
		description: `${description} ${REFERENCE_ID_RULES}`,
	};
}

/** The "Additional Fields" collection of an operation that places a call (Place, Send Code). */
export function additionalFieldsField(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options,
	};
}

const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Ms)',
	name: 'timeoutMs',
	type: 'number',
	typeOptions: rangeOf('timeoutMs'),
	default: 30000,
	description: 'How long to wait for each response, in milliseconds',
};

const maxRateLimitWaitOption: INodeProperties = {
	displayName: 'Max Rate-Limit Wait (Seconds)',
	name: 'maxRateLimitWaitSec',
	type: 'number',
	typeOptions: rangeOf('maxRateLimitWaitSec'),
	default: DEFAULT_MAX_RATE_LIMIT_WAIT_SEC,
	description:
		'How long in total to wait and retry when the account rate limit (120 requests per minute) is reached. 0 fails at once.',
};

const generateReferenceIdOption: INodeProperties = {
	displayName: 'Generate Reference ID If Empty',
	name: 'generateReferenceId',
	type: 'boolean',
	default: true,
	description:
		'Whether to create a unique reference ID (n8n-…) when Reference ID is empty. With a reference ID, a call whose response was lost is looked up instead of being placed twice.',
};

/** Options of an operation that reads (GET): timeout and rate-limit wait. */
export function readOptionsField(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...extra, maxRateLimitWaitOption, timeoutOption].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}

/** Options › Skip Numbers Called Within: the re-run guard (dialOnce/). */
const skipCalledWithinOption: INodeProperties = {
	displayName: 'Skip Numbers Called Within (Minutes)',
	name: 'skipCalledWithinMinutes',
	type: 'number',
	typeOptions: rangeOf('skipCalledWithinMinutes'),
	default: 0,
	description:
		'Do not dial a number this node already called in the last N minutes (checked in List calls, the API’s own record, so it holds across workers and restarts); the item outputs the earlier call marked skippedRecentCall. For running a blast again after n8n or a worker died. Read for each item (an expression may vary it). 0 turns it off.',
};

/**
 * Options of an operation that places a call. `blast`: Call › Place and Campaign › Trigger, which
 * also get the re-run guard (a second code to a number is Send Code's own matter).
 */
export function placementOptionsField(blast = false): INodeProperties {
	return readOptionsField(
		blast ? [generateReferenceIdOption, skipCalledWithinOption] : [generateReferenceIdOption],
	);
}

/** A Get Many operation: Return All, Limit, its own Filters and the read Options. */
export function getManyFields(filters: INodeProperties[]): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: filters,
		},
		readOptionsField(),
	];
}

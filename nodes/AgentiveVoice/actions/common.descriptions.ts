import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_RATE_LIMIT_WAIT_SEC, REFERENCE_ID_MAX } from '../../shared/apiFacts';

/** Shows a field for one resource and some of its operations. */
export function showFor(resource: string, operations: string[], extra: IDisplayOptions['show'] = {}): IDisplayOptions {
	return { show: { resource: [resource], operation: operations, ...extra } };
}

const NUMBER_FORMS =
	'An Indian mobile number: 9812345678, 919812345678 or +919812345678. Spaces and dashes are ignored.';
const REFERENCE_ID_RULES = `At most ${REFERENCE_ID_MAX} characters; control characters are removed.`;

export function numberField(displayOptions: IDisplayOptions, description: string): INodeProperties {
	return {
		displayName: 'Number',
		name: 'number',
		type: 'string',
		required: true,
		default: '',
		placeholder: '9812345678',
		description: `${description} ${NUMBER_FORMS}`,
		displayOptions,
	};
}

export function referenceIdField(displayOptions: IDisplayOptions, description: string): INodeProperties {
	return {
		displayName: 'Reference ID',
		name: 'referenceId',
		type: 'string',
		default: '',
		placeholder: 'order-99213',
		description: `${description} ${REFERENCE_ID_RULES}`,
		displayOptions,
	};
}

const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Ms)',
	name: 'timeoutMs',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30000,
	description: 'How long to wait for each response, in milliseconds',
};

const maxRateLimitWaitOption: INodeProperties = {
	displayName: 'Max Rate-Limit Wait (Seconds)',
	name: 'maxRateLimitWaitSec',
	type: 'number',
	typeOptions: { minValue: 0 },
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
export function readOptionsField(displayOptions: IDisplayOptions, extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options: [...extra, maxRateLimitWaitOption, timeoutOption].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}

/** Options of an operation that places a call. */
export function placementOptionsField(displayOptions: IDisplayOptions): INodeProperties {
	return readOptionsField(displayOptions, [generateReferenceIdOption]);
}

export function returnAllFields(displayOptions: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions,
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...displayOptions.show, returnAll: [false] } },
		},
	];
}

import type { INodeProperties } from 'n8n-workflow';

/** List-calls filters shared by Call › Get Many and the trigger (both send them to GET /calls). */
export const callDirectionFilter: INodeProperties = {
	displayName: 'Direction',
	name: 'direction',
	type: 'options',
	options: [
		{ name: 'Inbound', value: 'inbound' },
		{ name: 'Outbound', value: 'outbound' },
	],
	default: 'outbound',
	description: 'Only inbound or only outbound calls',
};

export const callNumberFilter: INodeProperties = {
	displayName: 'Number',
	name: 'number',
	type: 'string',
	default: '',
	placeholder: '9812345678',
	description:
		'Only calls where this Indian mobile number is the caller or the recipient (9812345678, 919812345678 or +919812345678)',
};

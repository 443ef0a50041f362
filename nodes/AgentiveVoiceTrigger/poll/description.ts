import type { INodeProperties } from 'n8n-workflow';

import { callDirectionFilter, callNumberFilter } from '../../shared/descriptions';

/** The Options' whole-number settings: the editor's default and range, checked again on every poll. */
export const NUMBER_OPTIONS = {
	lookbackMinutes: { label: 'Lookback (Minutes)', default: 120, min: 10, max: 10080 },
	requestTimeout: { label: 'Request Timeout (Seconds)', default: 60, min: 1, max: 300 },
} as const;

function numberOption(name: keyof typeof NUMBER_OPTIONS, description: string): INodeProperties {
	const { label, default: defaultValue, min, max } = NUMBER_OPTIONS[name];
	return {
		displayName: label,
		name,
		type: 'number',
		default: defaultValue,
		typeOptions: { minValue: min, maxValue: max, numberPrecision: 0 },
		description,
	};
}

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: [
			{
				name: 'Call Completed',
				value: 'completed',
				description: 'The call finished after being answered',
			},
			{ name: 'Call Failed', value: 'failed', description: 'The call ended without connecting' },
			{ name: 'Call Missed', value: 'missed', description: 'The call rang but was never answered' },
		],
		default: ['completed', 'failed'],
		description:
			'Which finished calls start the workflow. Each call starts it once, when it is first seen finished after activation.',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Campaign / Run ID',
				name: 'campaignId',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 1, numberPrecision: 0 },
				description:
					'Only calls whose campaign_id is this number: the run a call belongs to, the digits of a unique_id such as run_4821. List calls has no such filter, so the trigger reads all calls and keeps these.',
			},
			callDirectionFilter,
			{ ...callNumberFilter, displayName: 'Phone Number' },
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			numberOption(
				'lookbackMinutes',
				'How long after a call was created the trigger keeps checking it for a result. Set it above your longest call, queueing included. A call still unfinished after this is not reported. Longer costs more requests while calls are in progress.',
			),
			numberOption(
				'requestTimeout',
				"How long one List calls request may take, including any wait for the account's rate limit. When it runs out the poll fails and changes nothing; the next poll catches up.",
			),
		],
	},
];

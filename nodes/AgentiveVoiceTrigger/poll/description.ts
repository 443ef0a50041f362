import type { INodeProperties } from 'n8n-workflow';

import { callDirectionFilter, callNumberFilter } from '../../shared/descriptions';

export const DEFAULT_LOOKBACK_MINUTES = 120;
export const DEFAULT_TIMEOUT_SECONDS = 60;
/** The accepted ranges [min, max], shown in the editor and checked on every poll. */
export const LIMITS = {
	lookbackMinutes: [10, 10080],
	requestTimeout: [1, 300],
} as const;

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: [
			{ name: 'Call Completed', value: 'completed', description: 'The call finished after being answered' },
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
			{
				displayName: 'Lookback (Minutes)',
				name: 'lookbackMinutes',
				type: 'number',
				default: DEFAULT_LOOKBACK_MINUTES,
				typeOptions: {
					minValue: LIMITS.lookbackMinutes[0],
					maxValue: LIMITS.lookbackMinutes[1],
					numberPrecision: 0,
				},
				description:
					'How long after a call was created the trigger keeps checking it for a result. Set it above your longest call, queueing included. A call still unfinished after this is not reported. Longer costs more requests while calls are in progress.',
			},
			{
				displayName: 'Request Timeout (Seconds)',
				name: 'requestTimeout',
				type: 'number',
				default: DEFAULT_TIMEOUT_SECONDS,
				typeOptions: {
					minValue: LIMITS.requestTimeout[0],
					maxValue: LIMITS.requestTimeout[1],
					numberPrecision: 0,
				},
				description:
					"How long one List calls request may take, including any wait for the account's rate limit. When it runs out the poll fails and changes nothing; the next poll catches up.",
			},
		],
	},
];

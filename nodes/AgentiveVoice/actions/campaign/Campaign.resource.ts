import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as trigger from './trigger.operation';

export { getMany, trigger };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['campaign'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description:
					'List the saved campaigns on the account. Returns the ID, name, type and status of each; use the ID with Trigger.',
				action: 'Get many campaigns',
			},
			{
				name: 'Trigger',
				value: 'trigger',
				description:
					'Run a saved Audio Blast or Press 1 campaign for one number. Returns the unique_id of the call it queues.',
				action: 'Trigger a campaign',
			},
		],
		default: 'trigger',
	},
	...trigger.description,
	...getMany.description,
];

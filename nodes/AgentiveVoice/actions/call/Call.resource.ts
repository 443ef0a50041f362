import type { INodeProperties } from 'n8n-workflow';

import * as downloadRecording from './downloadRecording.operation';
import * as getMany from './getMany.operation';
import * as getStatus from './getStatus.operation';
import * as place from './place.operation';

export { downloadRecording, getMany, getStatus, place };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Download Recording',
				value: 'downloadRecording',
				description:
					'Download the audio recording of a call as a binary file. Use it once the call has completed.',
				action: 'Download a call recording',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description:
					'List calls, most recent first, with optional filters. Returns one item per call with its status, end reason and duration. Use it to review or reconcile calls.',
				action: 'Get many calls',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				description:
					'Get the current status of a call or a verification request by its ID. Returns call_status: queued, ringing, answered, completed or failed for a call; pending, verified, expired or failed for a verification request. Use it to find out what happened to a call or a code.',
				action: 'Get the status of a call',
			},
			{
				name: 'Place',
				value: 'place',
				description:
					'Place one outbound call: audio blast, press 1 or verification code. Returns unique_id; use it with Get Status to follow the call.',
				action: 'Place a call',
			},
		],
		default: 'place',
	},
	...place.description,
	...getStatus.description,
	...getMany.description,
	...downloadRecording.description,
];

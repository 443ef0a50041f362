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
				description: 'Download the audio recording of a call as a binary file',
				action: 'Download a call recording',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List calls, most recent first, with optional filters',
				action: 'Get many calls',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Get the current status of a call or of a verification request',
				action: 'Get the status of a call',
			},
			{
				name: 'Place',
				value: 'place',
				description: 'Place one outbound call: audio blast, press 1 or verification code',
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

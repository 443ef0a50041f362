import type { INodeProperties } from 'n8n-workflow';

import * as sendCode from './sendCode.operation';
import * as verifyCode from './verifyCode.operation';

export { sendCode, verifyCode };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['verification'] } },
		options: [
			{
				name: 'Send Code',
				value: 'sendCode',
				description: 'Call a number and read out a verification code (voice OTP)',
				action: 'Send a verification code',
			},
			{
				name: 'Verify Code',
				value: 'verifyCode',
				description: 'Check the code a person entered. A wrong code returns verified: false, not an error.',
				action: 'Verify a code',
			},
		],
		default: 'sendCode',
	},
	...sendCode.description,
	...verifyCode.description,
];

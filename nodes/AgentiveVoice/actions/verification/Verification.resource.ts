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
				description:
					'Call an Indian mobile number and read out a verification code (voice OTP). Returns request_id (for Verify Code) and expires_in_sec. Use it when a person must prove they own the number.',
				action: 'Send a verification code',
			},
			{
				name: 'Verify Code',
				value: 'verifyCode',
				description:
					'Check the code a person heard against a code sent with Send Code. Returns verified: true, or verified: false with reason (such as incorrect_code or expired) and attempts_left; a wrong code is not an error. Use it each time the person gives a code.',
				action: 'Verify a code',
			},
		],
		default: 'sendCode',
	},
	...sendCode.description,
	...verifyCode.description,
];

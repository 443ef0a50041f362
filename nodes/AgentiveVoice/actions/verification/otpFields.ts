import type { IDataObject, IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { MAX_MESSAGE_LENGTH, MAX_OTP_ATTEMPTS, MAX_TTL_SECONDS } from '../../../shared/apiFacts';
import type { ItemParameters } from '../../helpers/parameters';
import type { CollectionParameters } from '../../../shared/parameters';

/** The code fields of Verification › Send Code and Call › Place "otp" (the spec gives both the same). */
export function otpCodeFields(): INodeProperties[] {
	return [
		{
			displayName: 'Code',
			name: 'codeSource',
			type: 'options',
			options: [
				{
					name: 'Generate a Code',
					value: 'generate',
					description: 'The API generates a random code of the given length',
				},
				{
					name: 'Use My Own Code',
					value: 'custom',
					description: 'Send a code you generated yourself',
				},
			],
			default: 'generate',
			description: 'Whether the API generates the code or you supply it',
		},
		{
			displayName: 'Own Code',
			name: 'code',
			type: 'string',
			default: '',
			placeholder: '4821',
			description: 'The numeric code to read out: 4 to 8 digits',
			displayOptions: { show: { codeSource: ['custom'] } },
		},
		{
			displayName: 'Code Length',
			name: 'length',
			type: 'number',
			typeOptions: { minValue: 4, maxValue: 8 },
			default: 4,
			description: 'How many digits the generated code has: 4 to 8',
			displayOptions: { show: { codeSource: ['generate'] } },
		},
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			placeholder: 'Your Acme login code is {code}.',
			description:
				'What the call says. Put {code} where the digits should be read. Leave empty for the default: "Your verification code is 1 2 3 4. Again, 1 2 3 4."',
		},
		{
			displayName:
				'The message has no <code>{code}</code> token, so the code would never be read out. Add {code} where the digits should be spoken.',
			name: 'messageWithoutCodeNotice',
			type: 'notice',
			default: '',
			displayOptions: { hide: { message: ['', { _cnd: { includes: '{code}' } }] } },
		},
	];
}

export function otpAdditionalFields(displayOptions?: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_OTP_ATTEMPTS },
			default: 3,
			description: `How many verify attempts are allowed, right or wrong, from 1 to ${MAX_OTP_ATTEMPTS}. The API default is 3.`,
			displayOptions,
		},
		{
			displayName: 'Validity (Seconds)',
			name: 'ttl',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_TTL_SECONDS },
			default: 600,
			description: `How long the code stays valid, in seconds, up to ${MAX_TTL_SECONDS} (one day). The API default is 600 (10 minutes).`,
			displayOptions,
		},
	];
}

export function otpBody(params: ItemParameters, fields: CollectionParameters): IDataObject {
	const body: IDataObject = {};
	const source = params.oneOf('codeSource', 'Code', ['generate', 'custom'] as const);
	if (source === 'custom') body.code = params.otpCode('code', 'Own Code');
	else body.length = params.wholeNumber('length', 'Code Length', 4, 8);

	const message = params.value('message', '', 'Message');
	if (typeof message === 'string' && message.trim() !== '') {
		if (message.length > MAX_MESSAGE_LENGTH) {
			throw params.invalid(
				'Message',
				`${message.slice(0, 40)}… (${message.length} characters)`,
				`at most ${MAX_MESSAGE_LENGTH} characters`,
			);
		}
		if (!message.includes('{code}')) {
			throw params.invalid(
				'Message',
				message,
				'text containing the {code} token',
				'Without {code} the call would never read the code out. Add {code} where the digits should be spoken, for example "Your Acme login code is {code}."',
			);
		}
		body.message = message;
	} else if (message !== '' && message !== undefined && message !== null) {
		throw params.invalid('Message', message, 'text containing the {code} token');
	}

	const ttl = fields.optionalWholeNumber('ttl', 'Validity (Seconds)', 1, MAX_TTL_SECONDS);
	if (ttl !== undefined) body.ttl = ttl;
	const attempts = fields.optionalWholeNumber('maxAttempts', 'Max Attempts', 1, MAX_OTP_ATTEMPTS);
	if (attempts !== undefined) body.max_attempts = attempts;
	return body;
}

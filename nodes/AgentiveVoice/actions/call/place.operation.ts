import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import type { CollectionParameters } from '../../../shared/parameters';
import {
	placementReferenceId,
	readOptions,
	requestSettings,
	skipCalledWithinMinutes,
} from '../../helpers/requestOptions';
import { placeOnce, sendCodeOnce } from '../../dialOnce';
import {
	KEYPAD_ACTIONS,
	KEYPAD_DIGITS,
	toKeypadAction,
	toKeypadDigit,
} from '../../../shared/apiFacts';
import { apiRequest } from '../../../shared/transport';
import type { Envelope } from '../../../shared/transport';
import {
	additionalFieldsField,
	numberField,
	operationFields,
	placementOptionsField,
	referenceIdField,
} from '../common.descriptions';
import { otpAdditionalFields, otpBody, otpCodeFields } from '../verification/otpFields';

const CALL_TYPES = ['audio_blast', 'press1', 'otp'] as const;
type CallType = (typeof CALL_TYPES)[number];

const showForType = (...types: CallType[]) => ({ show: { callType: types } });

const KEYPAD_ACTION_LABELS: Record<
	(typeof KEYPAD_ACTIONS)[number],
	{ name: string; description: string }
> = {
	callback: {
		name: 'Request a Callback',
		description: 'Record that the recipient asked to be called back',
	},
	connect_agent: {
		name: 'Connect to an Agent',
		description: 'Connect the call onward to an agent',
	},
	opt_out: {
		name: 'Opt Out',
		description: 'Record that the recipient does not want further calls',
	},
	repeat: { name: 'Repeat the Message', description: 'Play the audio clip again' },
};

export const description: INodeProperties[] = operationFields('call', 'place', [
	{
		displayName: 'Call Type',
		name: 'callType',
		type: 'options',
		options: [
			{
				name: 'Audio Blast',
				value: 'audio_blast',
				description: 'Play a recorded clip from your audio library, then hang up',
			},
			{
				name: 'Press 1',
				value: 'press1',
				description: 'Play a clip and act on a keypad press, e.g. 1 connects to an agent',
			},
			{
				name: 'Verification Code (OTP)',
				value: 'otp',
				description: 'Read a numeric verification code out to the recipient',
			},
		],
		default: 'audio_blast',
		description: 'What the call does',
	},
	numberField('The recipient to call.'),
	{
		displayName: 'Audio ID',
		name: 'audioId',
		type: 'number',
		typeOptions: { minValue: 1 },
		required: true,
		default: 0,
		placeholder: '12',
		description: 'The ID of a clip in your Agentive Voice audio library (a whole number, e.g. 12)',
		displayOptions: showForType('audio_blast', 'press1'),
	},
	{
		displayName: 'Keypad Actions',
		name: 'keypadActions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Keypad Action',
		default: { mapping: [{ digit: '1', action: 'connect_agent' }] },
		description:
			'What each key press does. Remove all rows to use the API default: 1 connects to an agent.',
		displayOptions: showForType('press1'),
		options: [
			{
				displayName: 'Mapping',
				name: 'mapping',
				values: [
					{
						displayName: 'Digit',
						name: 'digit',
						type: 'options',
						options: KEYPAD_DIGITS.map((digit) => ({ name: digit, value: digit })),
						default: '1',
						description: 'The keypad key: 0-9, * or #',
					},
					{
						displayName: 'Action',
						name: 'action',
						type: 'options',
						options: [...KEYPAD_ACTIONS]
							.map((value) => ({ value, ...KEYPAD_ACTION_LABELS[value] }))
							.sort((a, b) => a.name.localeCompare(b.name)),
						default: 'connect_agent',
						description: 'What happens when the key is pressed',
					},
				],
			},
		],
	},
	...updateDisplayOptions(showForType('otp'), otpCodeFields()),
	referenceIdField(
		'Your own key for this call, such as an order number. It is echoed back, appears in webhooks, and lets a lost response be resolved without calling twice.',
	),
	additionalFieldsField([
		{
			displayName: 'Caller ID',
			name: 'callerId',
			type: 'string',
			default: '',
			placeholder: '07965318581',
			description:
				'A verified caller number on your account to display. Empty uses the account default.',
		},
		...otpAdditionalFields({ show: { '/callType': ['otp'] } }),
	]),
	placementOptionsField(true),
]);

/** The dtmf_map to send, or undefined to let the API use its default { "1": "connect_agent" }. */
function keypadMap(params: ItemParameters): IDataObject | undefined {
	const keypad = params.collection('keypadActions', 'Keypad Actions');
	const rows = keypad.value('mapping', undefined, 'Mapping');
	if (rows === undefined || rows === null) return undefined;
	if (!Array.isArray(rows))
		throw params.invalid('Keypad Actions', rows, 'a list of digit and action rows');
	if (rows.length === 0) return undefined;
	const map: IDataObject = {};
	rows.forEach((row: IDataObject, index) => {
		const where = `Digit (row ${index + 1})`;
		const digit = toKeypadDigit(row?.digit);
		if (digit === undefined) throw keypad.invalid(where, row?.digit, 'one of 0-9, * or #');
		if (map[digit] !== undefined) {
			throw keypad.invalid(
				where,
				row.digit,
				'each digit once',
				'Two rows use the same key. Keep one row per digit.',
			);
		}
		const action = toKeypadAction(row.action);
		if (action === undefined) {
			throw keypad.invalid(
				`Action (row ${index + 1})`,
				row.action,
				`one of ${KEYPAD_ACTIONS.join(', ')}`,
			);
		}
		map[digit] = action;
	});
	return map;
}

function callerId(additionalFields: CollectionParameters): string | undefined {
	const accepted = 'a verified caller number on your account, such as 07965318581';
	const text = additionalFields.optionalText('callerId', 'Caller ID', accepted);
	if (text === undefined) return undefined;
	const compact = text.replace(/[\s-]/g, '');
	if (!/^\+?\d{6,15}$/.test(compact))
		throw additionalFields.invalid('Caller ID', additionalFields.value('callerId'), accepted);
	return compact;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this, itemIndex);
	const callType = params.oneOf('callType', 'Call Type', CALL_TYPES);
	const number = params.mobileNumber('number');
	const additionalFields = params.collection('additionalFields', 'Additional Fields');
	const options = readOptions(params);
	const settings = requestSettings(params, options);

	const body: IDataObject = { type: callType, number };
	if (callType === 'otp') {
		Object.assign(body, otpBody(params, additionalFields));
	} else {
		body.audio_id = params.wholeNumber('audioId', 'Audio ID', 1);
		const dtmfMap = callType === 'press1' ? keypadMap(params) : undefined;
		if (dtmfMap) body.dtmf_map = dtmfMap;
	}
	const caller = callerId(additionalFields);
	if (caller !== undefined) body.caller_id = caller;

	const referenceId = placementReferenceId(params, options);
	if (referenceId !== undefined) body.reference_id = referenceId;

	const send = async () =>
		await apiRequest<Envelope>(this, {
			method: 'POST',
			path: '/calls',
			body,
			itemIndex,
			...settings,
			// A verification call is never retried or recovered in one execution: a second send issues a fresh code.
			...(callType === 'otp'
				? { retry: 'none' as const }
				: { retry: 'placement' as const, placement: { number, referenceId } }),
		});
	const key = { referenceId, number, skipCalledWithinMinutes: skipCalledWithinMinutes(options) };
	const response =
		callType === 'otp'
			? await sendCodeOnce(this, itemIndex, key, send)
			: await placeOnce(this, itemIndex, key, send);
	return [{ json: response }];
}

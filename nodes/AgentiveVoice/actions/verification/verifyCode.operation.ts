import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import { answeredBefore, recordAnswer } from '../../dialOnce/lineage';
import { requestSettings } from '../../helpers/requestOptions';
import { countReuse, ledgerOf } from '../../dialOnce/ledger';
import { REASONS as REUSE } from '../../dialOnce/reasons';
import { apiRequestFull } from '../../../shared/transport';
import {
	numberField,
	operationFields,
	readOptionsField,
	referenceIdField,
} from '../common.descriptions';

export const description: INodeProperties[] = operationFields('verification', 'verifyCode', [
	{
		displayName: 'Verify By',
		name: 'verifyBy',
		type: 'options',
		options: [
			{
				name: 'Request ID',
				value: 'requestId',
				description: 'The request_id that Send Code returned',
			},
			{
				name: 'Number',
				value: 'number',
				description: 'The number the code was sent to; its most recent pending request is used',
			},
		],
		default: 'requestId',
		description: 'How to identify the verification request',
	},
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '',
		placeholder: '5f3c8b2a-1d4e-4a9c-9e7b-2c6f0a1b3d8e',
		description: 'The request_id returned by Send Code',
		displayOptions: { show: { verifyBy: ['requestId'] } },
	},
	numberField('The number the code was sent to.', {
		required: false,
		displayOptions: { show: { verifyBy: ['number'] } },
	}),
	{
		displayName: 'Code',
		name: 'code',
		type: 'string',
		required: true,
		default: '',
		placeholder: '4821',
		description:
			'The code the person entered: 4 to 8 digits. Every attempt counts towards the limit.',
	},
	referenceIdField('Your own key for this attempt. It is echoed back.'),
	readOptionsField(),
]);

/** Expected outcomes of verify (spec: Verify a code › Outcomes) and the reason each is reported as. */
const REASONS = new Map<string, string>([
	['Incorrect code.', 'incorrect_code'],
	['This code has expired.', 'expired'],
	['Too many incorrect attempts.', 'too_many_attempts'],
	['This code has already been used.', 'already_used'],
	// The spec lists this for an unknown request; it also covers one that can no longer be verified.
	['Verification failed.', 'verification_failed'],
]);

/**
 * Whether an error response is an answer about the code rather than a failure. The spec uses 401
 * both for a wrong code and for bad keys: only a body with verified: false and the attempts left
 * (or the documented "Incorrect code.") is a wrong code; a 401 about keys still throws.
 */
export function isVerifyOutcome(statusCode: number, body: IDataObject): boolean {
	if (!body || body.verified !== false) return false;
	const details = typeof body.details === 'string' ? body.details : '';
	if (statusCode === 401)
		return typeof body.attempts_left === 'number' || details === 'Incorrect code.';
	if (statusCode === 400) return REASONS.has(details);
	return false;
}

function reasonFor(details: unknown): string {
	return (typeof details === 'string' && REASONS.get(details)) || 'rejected';
}

/**
 * Outputs `verified` plainly so an IF node (or an AI agent) can branch on it. A wrong, expired,
 * used or locked code is `verified: false` with a reason; only real failures throw. Never retried:
 * every attempt counts.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this, itemIndex);
	const verifyBy = params.oneOf('verifyBy', 'Verify By', ['requestId', 'number'] as const);
	const body: IDataObject = {};
	if (verifyBy === 'requestId') body.request_id = params.resourceId('requestId', 'Request ID');
	else body.number = params.mobileNumber('number');
	body.code = params.otpCode('code');
	const referenceId = params.referenceId();
	if (referenceId !== undefined) body.reference_id = referenceId;
	const settings = requestSettings(params);

	// An attempt an earlier try (Retry On Fail) or the original of an n8n Retry already made is
	// reported, not made again: every attempt counts against the cap, and a right code verified
	// twice would read "already used".
	const ledger = ledgerOf(this);
	const target = String(body.request_id ?? body.number);
	const code = String(body.code);
	const before = ledger.answers.get(itemIndex) ?? answeredBefore(this, target, code);
	if (before) {
		countReuse(ledger, 'answeredEarlier');
		const ids = { request_id: body.request_id ?? null, reference_id: referenceId ?? null };
		const { details, marker } = REUSE.answeredEarlier;
		return [{ json: { ...ids, ...before, details, [marker]: true } }];
	}

	const response = await apiRequestFull(this, {
		method: 'POST',
		path: '/otp/verify',
		body,
		itemIndex,
		...settings,
		retry: 'none',
		acceptError: isVerifyOutcome,
	});
	const result = response.body;
	const verified = result.verified === true;
	const json: IDataObject = { verified };
	if (!verified) json.reason = reasonFor(result.details);
	if (typeof result.attempts_left === 'number') json.attempts_left = result.attempts_left;
	json.details = result.details;
	json.request_id = result.request_id ?? body.request_id ?? null;
	json.reference_id = result.reference_id ?? null;
	ledger.answers.set(itemIndex, { ...json });
	recordAnswer(this, target, code, json);
	return [{ json }];
}

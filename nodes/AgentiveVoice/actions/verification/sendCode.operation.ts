import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import { placementReferenceId, readOptions, requestSettings } from '../../helpers/requestOptions';
import { sendCodeOnce } from '../../dialOnce';
import { apiRequest } from '../../../shared/transport';
import type { Envelope } from '../../../shared/transport';
import {
	additionalFieldsField,
	numberField,
	operationFields,
	placementOptionsField,
	referenceIdField,
} from '../common.descriptions';
import { otpAdditionalFields, otpBody, otpCodeFields } from './otpFields';

export const description: INodeProperties[] = operationFields('verification', 'sendCode', [
	numberField('The number to call with the code.'),
	...otpCodeFields(),
	referenceIdField('Your own key for this request, such as a signup ID. It is echoed back.'),
	additionalFieldsField(otpAdditionalFields()),
	placementOptionsField(),
]);

/**
 * Places the verification call. Outputs request_id (use it with Verify Code), expires_in_sec and
 * unique_id. Never retried within a try: each send issues a fresh code. A code this execution
 * already sent to the number (another item, an AI agent's repeated tool call) or that an earlier
 * try or execution sent for this item, and that is still pending, is output instead of sending another.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this, itemIndex);
	const number = params.mobileNumber('number');
	const additionalFields = params.collection('additionalFields', 'Additional Fields');
	const body: IDataObject = { number, ...otpBody(params, additionalFields) };
	const options = readOptions(params);
	const referenceId = placementReferenceId(params, options);
	if (referenceId !== undefined) body.reference_id = referenceId;
	const settings = requestSettings(params, options);

	const send = async () =>
		await apiRequest<Envelope>(this, {
			method: 'POST',
			path: '/otp/send',
			body,
			itemIndex,
			...settings,
			retry: 'none',
		});
	return [{ json: await sendCodeOnce(this, itemIndex, { referenceId, number }, send) }];
}

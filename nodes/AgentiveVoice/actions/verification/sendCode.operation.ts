import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import { placementReferenceId, readOptions, requestSettings } from '../../helpers/requestOptions';
import { placeOnce, reusePendingVerification } from '../../helpers/retrySafety';
import type { CallObject } from '../../../shared/types';
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
 * unique_id. Never retried within an execution: each send issues a fresh code. In an n8n Retry, a
 * code the original sent that is still pending is output instead of sending another.
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
	const reuse = async (call: CallObject) => await reusePendingVerification(this, itemIndex, call);
	return [{ json: await placeOnce(this, itemIndex, { referenceId, number }, send, reuse) }];
}

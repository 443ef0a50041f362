import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import { requestSettings } from '../../helpers/requestOptions';
import { apiRequest } from '../../../shared/transport';
import type { Envelope } from '../../../shared/transport';
import { numberField, readOptionsField, referenceIdField, showFor } from '../common.descriptions';
import { otpAdditionalFields, otpBody, otpCodeFields } from './otpFields';

const show = showFor('verification', ['sendCode']);

export const description: INodeProperties[] = [
	numberField(show, 'The number to call with the code.'),
	...otpCodeFields(show),
	referenceIdField(show, 'Your own key for this request, such as a signup ID. It is echoed back.'),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show,
		options: otpAdditionalFields(),
	},
	readOptionsField(show),
];

/**
 * Places the verification call. Outputs request_id (use it with Verify Code), expires_in_sec and
 * unique_id. Never retried: each send issues a fresh code.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this, itemIndex);
	const number = params.mobileNumber('number');
	const additionalFields = params.collection('additionalFields', 'Additional Fields');
	const body: IDataObject = { number, ...otpBody(params, additionalFields) };
	const referenceId = params.referenceId();
	if (referenceId !== undefined) body.reference_id = referenceId;
	const settings = requestSettings(params);

	const response = await apiRequest<Envelope>(this, {
		method: 'POST',
		path: '/otp/send',
		body,
		itemIndex,
		...settings,
		retry: 'none',
	});
	return [{ json: response }];
}

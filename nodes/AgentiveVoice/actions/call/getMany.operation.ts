import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import { requestSettings } from '../../helpers/requestOptions';
import type { CallObject } from '../../../shared/types';
import { CALL_DIRECTIONS, CALL_STATUSES } from '../../../shared/types';
import { apiRequestAllPages } from '../../../shared/transport';
import { callDirectionFilter, callNumberFilter } from '../../../shared/descriptions';
import { getManyFields, operationFields } from '../common.descriptions';

/** in_progress → In Progress */
const label = (value: string) => value.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());

export const description: INodeProperties[] = operationFields(
	'call',
	'getMany',
	getManyFields([
		{
			displayName: 'Created After',
			name: 'from',
			type: 'dateTime',
			default: '',
			description:
				'Only calls created on or after this date or time. A value without a time zone is read as IST, the time zone of the API. A date before the year 1000 means no lower bound.',
		},
		{
			displayName: 'Created Before',
			name: 'to',
			type: 'dateTime',
			default: '',
			description:
				'Only calls created before this date or time. A value without a time zone is read as IST, the time zone of the API. A date after 9999-12-31 means no upper bound.',
		},
		callDirectionFilter,
		callNumberFilter,
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			options: CALL_STATUSES.map((value) => ({ name: label(value), value })).sort((a, b) =>
				a.name.localeCompare(b.name),
			),
			default: 'completed',
			description: 'Only calls in this state',
		},
	]),
);

/** The List calls query, checked: known enum values, dates with an explicit offset, from before to. */
function filterQuery(params: ItemParameters): IDataObject {
	const filters = params.collection('filters', 'Filters');
	const direction = filters.optionalOneOf('direction', 'Direction', CALL_DIRECTIONS);
	const status = filters.optionalOneOf('status', 'Status', CALL_STATUSES);
	const from = filters.optionalTimestamp('from', 'Created After', 'lower');
	const to = filters.optionalTimestamp('to', 'Created Before', 'upper');
	if (from && to && from.millis >= to.millis) {
		throw filters.invalid(
			'Created Before',
			filters.value('to'),
			`a time after Created After (${from.iso})`,
			'Created After must be earlier than Created Before, or no call can match.',
		);
	}
	const number = filters.optionalMobileNumber('number', 'Number');
	const qs = { direction, status, from: from?.iso, to: to?.iso, number };
	return Object.fromEntries(Object.entries(qs).filter(([, value]) => value !== undefined));
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this, itemIndex);
	const limit = params.limit();
	const qs = filterQuery(params);
	const settings = requestSettings(params);
	const calls = await apiRequestAllPages<CallObject>(
		this,
		{ path: '/calls', qs, itemIndex, ...settings },
		limit,
	);
	return calls.map((call) => ({ json: call }));
}

import type { IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { FieldReader } from '../../shared/parameters';
import { CALL_DIRECTIONS } from '../../shared/types';
import { NUMBER_OPTIONS } from './description';
import type { TriggerSettings } from './types';
import { FINISHED_STATUSES } from './types';

/** Checked before any request: a bad value fails the poll, which then changes no static data. */
export function readSettings(ctx: IPollFunctions): TriggerSettings {
	const params = new FieldReader(ctx.getNode(), undefined, '', (name, fallback) =>
		ctx.getNodeParameter(name, fallback),
	);
	const events = params.listOf('events', 'Events', FINISHED_STATUSES);
	if (events.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Select at least one event', {
			description:
				'Choose which finished calls start the workflow: Call Completed, Call Failed or Call Missed.',
		});
	}
	const filters = params.collection('filters', 'Filters');
	const direction = filters.optionalOneOf('direction', 'Direction', CALL_DIRECTIONS);
	// The same rule as the action node's Get Many, so a typo fails here, not as a 400 on every poll.
	const number = filters.optionalMobileNumber('number', 'Phone Number');
	const campaignId = filters.optionalWholeNumber('campaignId', 'Campaign / Run ID', 1);
	const options = params.collection('options', 'Options');
	const wholeNumber = (name: keyof typeof NUMBER_OPTIONS): number => {
		const { label, min, max } = NUMBER_OPTIONS[name];
		return options.optionalWholeNumber(name, label, min, max) ?? NUMBER_OPTIONS[name].default;
	};
	const sortedEvents = [...new Set(events)].sort();
	return {
		events: sortedEvents,
		direction,
		number,
		campaignId,
		lookbackMs: wholeNumber('lookbackMinutes') * 60_000,
		timeoutMs: wholeNumber('requestTimeout') * 1000,
		fingerprint: JSON.stringify([
			sortedEvents,
			direction ?? null,
			number ?? null,
			campaignId ?? null,
		]),
	};
}

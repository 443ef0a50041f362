import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { normaliseMobileNumber } from '../../shared/apiFacts';
import { DEFAULT_LOOKBACK_MINUTES, DEFAULT_TIMEOUT_SECONDS } from './description';
import type { FinishedStatus, TriggerSettings } from './types';
import { FINISHED_STATUSES } from './types';

function positiveNumber(value: unknown, fallback: number): number {
	const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof parsed === 'number' && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

/** Reads and checks the parameters; a bad value fails the poll with a message that names it. */
export function readSettings(ctx: IPollFunctions): TriggerSettings {
	const node = ctx.getNode();
	const rawEvents = ctx.getNodeParameter('events', []) as unknown;
	const events = (Array.isArray(rawEvents) ? rawEvents : []).filter((event): event is FinishedStatus =>
		(FINISHED_STATUSES as readonly unknown[]).includes(event),
	);
	if (events.length === 0) {
		throw new NodeOperationError(node, 'Select at least one event', {
			description: 'Choose which finished calls start the workflow: Call Completed, Call Failed or Call Missed.',
		});
	}
	const filters = ctx.getNodeParameter('filters', {}) as IDataObject;
	const options = ctx.getNodeParameter('options', {}) as IDataObject;

	const direction = filters.direction === 'inbound' || filters.direction === 'outbound' ? filters.direction : undefined;
	let number: string | undefined;
	if (filters.number !== undefined && String(filters.number).trim() !== '') {
		// The same rule as the action node's Get Many, so a typo fails here, not as a 400 on every poll.
		number = normaliseMobileNumber(filters.number);
		if (!number) {
			throw new NodeOperationError(node, `Filters › Phone Number: "${String(filters.number)}" is not an Indian mobile number`, {
				description: 'Use 9812345678, 919812345678 or +919812345678.',
			});
		}
	}
	let campaignId: number | undefined;
	if (filters.campaignId !== undefined) {
		campaignId = Number(filters.campaignId);
		if (!Number.isInteger(campaignId) || campaignId < 1) {
			throw new NodeOperationError(node, 'Campaign / Run ID must be a whole number above 0', {
				description: 'Use the digits of a unique_id, e.g. 4821 for run_4821, or remove the filter.',
			});
		}
	}

	const sortedEvents = [...new Set(events)].sort();
	return {
		events: sortedEvents,
		direction,
		number,
		campaignId,
		lookbackMs: Math.max(10, positiveNumber(options.lookbackMinutes, DEFAULT_LOOKBACK_MINUTES)) * 60_000,
		timeoutMs: positiveNumber(options.requestTimeout, DEFAULT_TIMEOUT_SECONDS) * 1000,
		fingerprint: JSON.stringify([sortedEvents, direction ?? null, number ?? null, campaignId ?? null]),
	};
}

import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	cleanReferenceId,
	DEFAULT_MAX_RATE_LIMIT_WAIT_SEC,
	OPTION_RANGES,
} from '../../shared/apiFacts';
import { chainReferenceId } from '../dialOnce/lineage';
import type { CollectionParameters } from '../../shared/parameters';
import type { ItemParameters } from './parameters';

/** The transport settings an operation's "Options" collection can carry. */
export interface RequestSettings {
	timeoutMs?: number;
	maxRateLimitWaitMs?: number;
}

/** The Options collection of an operation. */
export function readOptions(params: ItemParameters): CollectionParameters {
	return params.collection('options', 'Options');
}

/** Timeout (ms) and Max Rate-Limit Wait (seconds) from the Options collection, checked. */
export function requestSettings(
	params: ItemParameters,
	options = readOptions(params),
): RequestSettings {
	const { timeoutMs: time, maxRateLimitWaitSec: wait } = OPTION_RANGES;
	const timeoutMs = options.optionalWholeNumber('timeoutMs', 'Timeout (ms)', time.min, time.max);
	const waitSec = options.optionalWholeNumber(
		'maxRateLimitWaitSec',
		'Max Rate-Limit Wait (seconds)',
		wait.min,
		wait.max,
	);
	const maxRateLimitWaitMs = (waitSec ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SEC) * 1000;
	return { ...(timeoutMs === undefined ? {} : { timeoutMs }), maxRateLimitWaitMs };
}

/** Options › Skip Numbers Called Within (minutes), checked; 0 when off. */
export function skipCalledWithinMinutes(options: CollectionParameters): number {
	const { min, max } = OPTION_RANGES.skipCalledWithinMinutes;
	const label = 'Skip Numbers Called Within (Minutes)';
	return options.optionalWholeNumber('skipCalledWithinMinutes', label, min, max) ?? 0;
}

/**
 * The reference_id to send for a call placement. When the user left it empty and "Generate
 * Reference ID If Empty" is on (the default), a unique one is made so that a lost response can be
 * resolved by looking the call up instead of placing it twice.
 */
export function placementReferenceId(
	params: ItemParameters,
	options = readOptions(params),
): string | undefined {
	const given = params.referenceId();
	if (given !== undefined) return given;
	if (options.value('generateReferenceId', undefined, 'Generate Reference ID If Empty') === false)
		return undefined;
	return generateReferenceId(params.ctx, params.itemIndex);
}

/**
 * The one place a reference_id is generated (Call › Place, Campaign › Trigger, Send Code): the same
 * for an item in an execution and in every n8n Retry of it (executionChain.ts), unique otherwise.
 * It follows the package's reference_id rule like a given one; a generated id that did not would
 * be a bug.
 */
export function generateReferenceId(ctx: IExecuteFunctions, itemIndex: number): string {
	const check = cleanReferenceId(chainReferenceId(ctx, itemIndex));
	if (!check.ok || check.value === undefined) {
		throw new NodeOperationError(ctx.getNode(), 'Could not generate a valid reference ID', {
			itemIndex,
		});
	}
	return check.value;
}

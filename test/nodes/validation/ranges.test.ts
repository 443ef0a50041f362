/**
 * Issue 26, numeric ranges: every numeric option has a range the API and the platform can honour,
 * checked before any request (also for a value an expression produced), naming the field.
 */
import type { INodeProperties } from 'n8n-workflow';

import { OPTION_RANGES } from '../../../nodes/shared/apiFacts';
import { AgentiveVoice, AgentiveVoiceTrigger } from '../../harness/nodes';
import { apiRequests, nodeErrorOf, runNode, useSandbox } from '../helpers';

const sandbox = useSandbox();

const place = (options: Record<string, unknown>) => ({
	resource: 'call',
	operation: 'place',
	callType: 'audio_blast',
	number: '9812345678',
	audioId: 12,
	options,
});
const balance = (options: Record<string, unknown>) => ({
	resource: 'account',
	operation: 'getBalance',
	options,
});

describe('numeric options: refused out of range, before any request', () => {
	it.each<[string, Record<string, unknown>, string]>([
		[
			'a Timeout Node would turn into 1 ms (2^31)',
			place({ timeoutMs: 2_147_483_648 }),
			'Invalid Options › Timeout (ms) 2147483648: expected a whole number from 1 to 3600000',
		],
		[
			'a Timeout just over an hour, from an expression',
			place({ timeoutMs: '={{ "3600001" }}' }),
			'Invalid Options › Timeout (ms) "3600001": expected a whole number from 1 to 3600000',
		],
		[
			'a Max Rate-Limit Wait over an hour',
			balance({ maxRateLimitWaitSec: 3601 }),
			'Invalid Options › Max Rate-Limit Wait (seconds) 3601: expected a whole number from 0 to 3600',
		],
		[
			'a Skip Numbers Called Within that would start the window in year -1776',
			place({ skipCalledWithinMinutes: 2_000_000_000 }),
			'Invalid Options › Skip Numbers Called Within (Minutes) 2000000000: expected a whole number from 0 to 525600',
		],
		[
			'a Skip Numbers Called Within just over a year',
			{
				...place({ skipCalledWithinMinutes: 525_601 }),
				resource: 'campaign',
				operation: 'trigger',
				campaign: { __rl: true, mode: 'id', value: '57' },
			},
			'Invalid Options › Skip Numbers Called Within (Minutes) 525601',
		],
	])('%s', async (_case, parameters, expectedStart) => {
		const result = await runNode(sandbox(), parameters);
		const error = nodeErrorOf(result);
		expect(error.name).toBe('NodeOperationError');
		expect(error.message.startsWith(expectedStart)).toBe(true);
		expect(error.context?.itemIndex).toBe(0);
		expect(apiRequests(sandbox())).toHaveLength(0);
	});
});

describe('numeric options: the largest accepted values work', () => {
	it('a Timeout of an hour reads the balance', async () => {
		const result = await runNode(sandbox(), balance({ timeoutMs: OPTION_RANGES.timeoutMs.max }));
		expect(result.items[0].json).toHaveProperty('balance_inr');
	});

	it('Skip Numbers Called Within a year lists from a 4-digit-year date the sandbox accepts', async () => {
		const minutes = OPTION_RANGES.skipCalledWithinMinutes.max;
		const result = await runNode(sandbox(), place({ skipCalledWithinMinutes: minutes }));
		expect(result.items[0].json).toHaveProperty('unique_id');
		const lists = apiRequests(sandbox(), 'GET', '/calls');
		expect(lists.length).toBeGreaterThan(0);
		for (const list of lists) {
			expect(list.status).toBe(200);
			expect(list.query.from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+05:30$/);
		}
		expect(apiRequests(sandbox(), 'POST', '/calls')).toHaveLength(1);
	});
});

const listCalls = (filters: Record<string, unknown>) => ({
	resource: 'call',
	operation: 'getMany',
	returnAll: false,
	limit: 5,
	filters,
});

describe('dates: every date sent has a 4-digit year in IST', () => {
	it.each<[string, Record<string, unknown>, Record<string, string | undefined>]>([
		[
			'Created Before 9999-12-31T23:59:59Z (year 10000 in IST) means no upper bound',
			{ to: '9999-12-31T23:59:59Z' },
			{ to: undefined },
		],
		[
			'Created Before a far-future date from an expression is left out too',
			{ from: '2026-06-01', to: '={{ DateTime.fromISO("+050000-01-01T00:00:00Z") }}' },
			{ from: '2026-06-01T00:00:00+05:30', to: undefined },
		],
		[
			'Created After year 0000 with a far offset means no lower bound',
			{ from: '0000-01-01T00:00:00-12:00' },
			{ from: undefined },
		],
		[
			'the last instant of 9999 in IST is sent as written',
			{ to: '9999-12-31T23:59:59+05:30' },
			{ to: '9999-12-31T23:59:59+05:30' },
		],
		[
			'the first instant of 1000 in IST is sent as written',
			{ from: '1000-01-01T00:00:00+05:30' },
			{ from: '1000-01-01T00:00:00+05:30' },
		],
	])('%s', async (_case, filters, expected) => {
		const result = await runNode(sandbox(), listCalls(filters));
		expect(result.nodeError).toBeUndefined();
		const [list] = apiRequests(sandbox(), 'GET', '/calls');
		expect(list.status).toBe(200);
		for (const [key, value] of Object.entries(expected)) expect(list.query[key]).toBe(value);
		for (const sent of [list.query.from, list.query.to].filter(Boolean)) {
			expect(sent).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+05:30$/);
		}
	});

	it.each<[string, Record<string, unknown>, string]>([
		[
			'Created After beyond 9999 (no call can match)',
			{ from: '={{ DateTime.fromISO("+010000-06-01T00:00:00Z") }}' },
			'Invalid Filters › Created After',
		],
		[
			'Created Before the year 1000 (no call can match)',
			{ to: '0999-12-31' },
			'Invalid Filters › Created Before "0999-12-31": expected a date from 1000-01-01 to 9999-12-31 (IST)',
		],
	])('refuses %s, naming the field, before any request', async (_case, filters, expectedStart) => {
		const error = nodeErrorOf(await runNode(sandbox(), listCalls(filters)));
		expect(error.message.startsWith(expectedStart)).toBe(true);
		expect(error.message).toContain('expected a date from 1000-01-01 to 9999-12-31 (IST)');
		expect(apiRequests(sandbox())).toHaveLength(0);
	});
});

/** Every property of a node, collections' and fixedCollections' fields included. */
function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => [
		property,
		...allProperties(
			(property.options ?? []).flatMap((option) =>
				'values' in option ? option.values : 'type' in option ? [option as INodeProperties] : [],
			),
		),
	]);
}

describe('the editor shows the ranges', () => {
	const numeric = [new AgentiveVoice(), new AgentiveVoiceTrigger()].flatMap((node) =>
		allProperties(node.description.properties).filter((property) => property.type === 'number'),
	);

	it('every numeric field has a minimum; the options of OPTION_RANGES their maximum too', () => {
		expect(numeric.length).toBeGreaterThanOrEqual(12);
		for (const property of numeric) {
			expect({ name: property.name, min: property.typeOptions?.minValue }).toEqual({
				name: property.name,
				min: expect.any(Number),
			});
			const range = OPTION_RANGES[property.name as keyof typeof OPTION_RANGES];
			if (range)
				expect(property.typeOptions).toMatchObject({ minValue: range.min, maxValue: range.max });
		}
	});
});

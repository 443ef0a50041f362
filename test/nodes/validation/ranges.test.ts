/**
 * Issue 26, numeric ranges: every numeric option has a range the API and the platform can honour,
 * checked before any request (also for a value an expression produced), naming the field.
 */
import { OPTION_RANGES } from '../../../nodes/shared/apiFacts';
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

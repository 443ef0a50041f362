/**
 * Issue 26: an expression that fails inside n8n gives an error that starts with the field's name
 * ("Number: the expression failed: …"), in stop mode and in the continue-on-fail item, for a
 * top-level field, a collection's field, a resource locator and the trigger; no request is sent.
 */
import { triggerFor, useTriggerSandbox } from '../../trigger/helpers';
import { apiRequests, nodeErrorOf, runNode } from '../helpers';

const sandbox = useTriggerSandbox();

const FAILING: Array<[string, string]> = [
	['an unknown node', "$('No Such Node').item.json.number"],
	['a syntax error', '1 +* 2'],
	['$env access', '$env.HOME.length > 0 ? $env.HOME : $env.HOME'],
	['a function called wrongly', '$jmespath($json)'],
];

const place = (extra: Record<string, unknown>) => ({
	resource: 'call',
	operation: 'place',
	callType: 'audio_blast',
	number: '9812345678',
	audioId: 12,
	...extra,
});

/** [field as named in the error, parameters with `{{ … }}` where the failing expression goes]. */
const FIELDS: Array<[string, (expression: string) => Record<string, unknown>]> = [
	['Number', (e) => place({ number: `={{ ${e} }}` })],
	['Options › Timeout (ms)', (e) => place({ options: { timeoutMs: `={{ ${e} }}` } })],
	[
		'Filters › Created After',
		(e) => ({
			resource: 'call',
			operation: 'getMany',
			returnAll: true,
			filters: { from: `={{ ${e} }}` },
		}),
	],
	[
		'Campaign',
		(e) => ({
			resource: 'campaign',
			operation: 'trigger',
			number: '9812345678',
			campaign: { __rl: true, mode: 'id', value: `={{ ${e} }}` },
		}),
	],
];

describe('a failing expression names its field', () => {
	describe.each(FAILING)('%s', (_kind, expression) => {
		it.each(FIELDS)('%s, in stop mode', async (field, parameters) => {
			const error = nodeErrorOf(await runNode(sandbox(), parameters(expression)));
			expect(error.name).toBe('NodeOperationError');
			expect(error.message).toMatch(new RegExp(`^${escape(field)}: the expression failed: .+`));
			expect(error.context?.itemIndex).toBe(0);
			expect(apiRequests(sandbox())).toHaveLength(0);
		});
	});

	it('in the continue-on-fail item, between items that succeed', async () => {
		const result = await runNode(
			sandbox(),
			place({ number: "={{ $json.bad ? $('No Such Node').item.json.n : $json.n }}" }),
			{
				items: [{ n: '9812345678' }, { bad: true }, { n: '9812345671' }],
				continueOnFail: true,
			},
		);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(result.items[0].json).toHaveProperty('unique_id');
		expect(String(result.items[1].json.error)).toMatch(/^Number: the expression failed: /);
		expect(result.items[2].json).toHaveProperty('unique_id');
		expect(apiRequests(sandbox(), 'POST', '/calls')).toHaveLength(2);
	});

	it('in the trigger, for an option', async () => {
		const trigger = triggerFor(sandbox(), {
			events: ['completed'],
			options: { lookbackMinutes: '={{ 1 +* 2 }}' },
		});
		const poll = await trigger.poll();
		expect(poll.error?.message).toMatch(/^Options › Lookback \(Minutes\): the expression failed: /);
		expect(apiRequests(sandbox())).toHaveLength(0);
	});
});

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

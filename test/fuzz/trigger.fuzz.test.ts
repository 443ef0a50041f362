/**
 * Issue 26: the trigger's settings under the same fuzz (fast-check), through n8n-core's PollContext
 * against the sandbox. Each generated setting either fails the poll with an error naming the field
 * and no request, or polls with List calls requests the sandbox accepted (200), dialled-number
 * filters only in a documented form. The secret appears nowhere in the poll's outcome.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { DEMO_ACCOUNT } from '../../sandbox';
import { triggerFor, useTriggerSandbox } from '../trigger/helpers';
import { documentedNumber, junk, phone, whole } from './fields';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_604);
const RUNS = Number(process.env.FUZZ_RUNS ?? 6) * 3;

const sandbox = useTriggerSandbox();
const literal = (value: unknown): string => `={{ ${JSON.stringify(value)} }}`;
const maybe = <T>(arbitrary: fc.Arbitrary<T>, good: T) =>
	fc.oneof({ arbitrary: fc.constant(good), weight: 2 }, { arbitrary, weight: 1 });

const settings = fc.record({
	events: maybe(
		fc.oneof(fc.constantFrom(['completed'], ['failed', 'missed'], [], ['answered']), junk),
		['completed'],
	),
	direction: maybe(
		fc.oneof(fc.constantFrom('inbound', 'outbound', 'Inbound', ''), junk),
		'outbound',
	),
	number: maybe(phone, '9812345601'),
	campaignId: maybe(whole(1, 1_000_000), 57),
	lookbackMinutes: maybe(whole(10, 10_080), 120),
	requestTimeout: maybe(whole(1, 300), 20),
});

const REFUSAL =
	/^(?:Invalid (.+?) (?:\(empty\)|"|-?\d|\[|\{|true|false|null)|(.+?): the expression failed: |Select at least one event)/;

describe('fuzz: the trigger refuses bad settings before any request, or polls what the API accepts', () => {
	it('every generated setting', async () => {
		const tally = { refused: 0, polled: 0 };
		await fc.assert(
			fc.asyncProperty(settings, async (value) => {
				const box = sandbox();
				box.control.reset();
				const parameters: IDataObject = {
					events: literal(value.events),
					filters: {
						direction: literal(value.direction),
						number: literal(value.number),
						campaignId: literal(value.campaignId),
					},
					options: {
						lookbackMinutes: literal(value.lookbackMinutes),
						requestTimeout: literal(value.requestTimeout),
					},
				};
				const poll = await triggerFor(box, parameters).poll();
				expect(JSON.stringify([poll, poll.error?.message ?? null])).not.toContain(
					DEMO_ACCOUNT.apiSecret,
				);
				const requests = box.control.requestLog();
				if (poll.error) {
					expect(poll.error.message).toMatch(REFUSAL);
					expect(requests).toEqual([]);
					tally.refused += 1;
				} else {
					expect(requests.length).toBeGreaterThan(0);
					for (const request of requests) expect(request.status).toBe(200);
					const emptyNumber = value.number === null || String(value.number).trim() === '';
					if (!emptyNumber) expect(documentedNumber(value.number)).toBe(true);
					tally.polled += 1;
				}
			}),
			{ seed: SEED, numRuns: RUNS, endOnFailure: true },
		);
		expect(tally.refused).toBeGreaterThan(0);
		expect(tally.polled).toBeGreaterThan(0);
	});
});

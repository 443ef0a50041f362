/**
 * A bad trigger setting fails the poll, through n8n's real PollContext, with the action node's kind
 * of error (the field, the value, what is accepted), sends no request and leaves the static data as
 * it was: a poll with a bad setting must neither skip calls nor start a new baseline.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	finishedCall,
	idsOf,
	listRequests,
	liveCall,
	MINUTE,
	seed,
	useTriggerSandbox,
	triggerFor,
} from './helpers';

describe('Agentive Voice Trigger: bad settings', () => {
	const sandbox = useTriggerSandbox();

	const GOOD: IDataObject = { events: ['completed'], filters: { direction: 'outbound' } };

	it.each<[string, IDataObject, string]>([
		[
			'a Direction from an expression in the wrong case',
			{ ...GOOD, filters: { direction: '={{ "Inbound" }}' } },
			'Invalid Filters › Direction "Inbound": expected one of inbound, outbound',
		],
		[
			'an unknown Direction',
			{ ...GOOD, filters: { direction: 'sideways' } },
			'Invalid Filters › Direction "sideways": expected one of inbound, outbound',
		],
		[
			'an unknown Event',
			{ ...GOOD, events: ['completed', 'answered'] },
			'Invalid Events "answered": expected one of completed, failed, missed',
		],
		[
			'an Event from an expression',
			{ ...GOOD, events: '={{ ["Completed"] }}' },
			'Invalid Events "Completed": expected one of completed, failed, missed',
		],
		[
			'a Lookback under the minimum',
			{ ...GOOD, options: { lookbackMinutes: 5 } },
			'Invalid Options › Lookback (Minutes) 5: expected a whole number from 10 to 10080',
		],
		[
			'a Lookback from an expression that is not a number',
			{ ...GOOD, options: { lookbackMinutes: '={{ "two hours" }}' } },
			'Invalid Options › Lookback (Minutes) "two hours": expected a whole number from 10 to 10080',
		],
		[
			'a Request Timeout over the maximum',
			{ ...GOOD, options: { requestTimeout: 900 } },
			'Invalid Options › Request Timeout (Seconds) 900: expected a whole number from 1 to 300',
		],
		[
			'a fractional Request Timeout',
			{ ...GOOD, options: { requestTimeout: 2.5 } },
			'Invalid Options › Request Timeout (Seconds) 2.5: expected a whole number from 1 to 300',
		],
		[
			'a number that is not an Indian mobile',
			{ ...GOOD, filters: { number: '07965318581' } },
			'Invalid Filters › Phone Number "07965318581": expected an Indian mobile number such as 9812345678, 919812345678 or +919812345678 (spaces and dashes are ignored)',
		],
		[
			'a Campaign / Run ID of 0',
			{ ...GOOD, filters: { campaignId: 0 } },
			'Invalid Filters › Campaign / Run ID 0: expected a whole number 1 or more',
		],
	])(
		'fails the poll on %s, sends nothing and keeps the state',
		async (_case, parameters, message) => {
			const trigger = triggerFor(sandbox(), GOOD);
			const [early] = seed(sandbox(), [liveCall(sandbox(), 0, MINUTE, { direction: 'outbound' })]);
			expect((await trigger.poll()).error).toBeUndefined();
			const before = trigger.savedStaticData();
			expect(Object.keys(before)).not.toHaveLength(0);

			sandbox().control.advanceClock(2 * MINUTE);
			trigger.setParameters(parameters);
			sandbox().control.clearLog();
			const poll = await trigger.poll();
			expect(poll.error?.name).toBe('NodeOperationError');
			expect(poll.error?.message).toBe(message);
			expect(poll.emitted).toBe(false);
			expect(listRequests(sandbox())).toEqual([]);
			expect(trigger.savedStaticData()).toEqual(before);

			// Fixed, the trigger carries on from where it was: the call that finished meanwhile is emitted.
			trigger.setParameters(GOOD);
			expect(idsOf((await trigger.poll()).calls)).toEqual([early]);
		},
	);

	it('accepts a setting from an expression that yields an accepted value', async () => {
		const trigger = triggerFor(sandbox(), {
			events: '={{ ["completed"] }}',
			filters: { direction: '={{ "inbound" }}' },
			options: { lookbackMinutes: '={{ 30 }}', requestTimeout: '={{ "20" }}' },
		});
		expect((await trigger.poll()).error).toBeUndefined();
		seed(sandbox(), [finishedCall(sandbox(), 0, { direction: 'outbound' })]);
		const [inbound] = seed(sandbox(), [finishedCall(sandbox(), 0, { direction: 'inbound' })]);
		sandbox().control.clearLog();
		const poll = await trigger.poll();
		expect(idsOf(poll.calls)).toEqual([inbound]);
		expect(listRequests(sandbox())[0].query).toMatchObject({ direction: 'inbound' });
	});
});

/** Per-item processing: continueOnFail gives an error item for the failing input and goes on. */
import { apiRequests, jsonOf, nodeErrorOf, runNode, useSandbox } from '../helpers';

const sandbox = useSandbox();

const parameters = {
	resource: 'call',
	operation: 'place',
	callType: 'audio_blast',
	number: '={{ $json.number }}',
	audioId: '={{ $json.audio }}',
	referenceId: '={{ $json.ref }}',
};

const items = [
	{ number: '9812345678', audio: 12, ref: 'ok-0' },
	{ number: '12345', audio: 12, ref: 'bad-number-1' },
	{ number: '9812345679', audio: 999, ref: 'api-error-2' },
	{ number: '9812345680', audio: 12, ref: 'ok-3' },
];

describe('continueOnFail', () => {
	it('outputs an error item for each failing input, paired to it, and processes the rest', async () => {
		const result = await runNode(sandbox(), parameters, { items, continueOnFail: true });
		expect(result.error).toBeUndefined();
		const output = jsonOf(result.items);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(output[0]).toMatchObject({ status: 'success', reference_id: 'ok-0' });
		expect(output[1]).toEqual({
			error:
				'Invalid Number "12345": expected an Indian mobile number such as 9812345678, 919812345678 or +919812345678 (spaces and dashes are ignored)',
			details: expect.stringContaining('9812345678'),
		});
		expect(output[2]).toEqual({
			error: 'Agentive Voice API error 400: audio_id was not found in your audio library.',
			details: expect.any(String),
		});
		expect(output[3]).toMatchObject({ status: 'success', reference_id: 'ok-3' });
		// The invalid item sent nothing; the others were each sent once.
		expect(
			apiRequests(sandbox(), 'POST', '/calls').map(
				(entry) => (entry.body as { reference_id: string }).reference_id,
			),
		).toEqual(['ok-0', 'api-error-2', 'ok-3']);
	});

	it('with "Continue (using error output)" failed items go to the error output, paired to their inputs', async () => {
		const result = await runNode(sandbox(), parameters, { items, errorOutput: true });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.items).map((json) => json.reference_id)).toEqual(['ok-0', 'ok-3']);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(result.errorItems.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(String(result.errorItems[0].json.error)).toMatch(/^Invalid Number "12345"/);
		expect(String(result.errorItems[1].json.error)).toMatch(
			/^Agentive Voice API error 400: audio_id/,
		);
	});

	it('without continueOnFail the first failing item stops the node and is named', async () => {
		const result = await runNode(sandbox(), parameters, { items });
		const error = nodeErrorOf(result);
		expect(error.message).toMatch(/^Invalid Number "12345"/);
		expect(error.context?.itemIndex).toBe(1);
		expect(apiRequests(sandbox(), 'POST', '/calls')).toHaveLength(1);
	});
});

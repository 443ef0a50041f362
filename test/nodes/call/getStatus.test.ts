/** Call › Get Status: a run_… call as it progresses, and a verification request. */
import { MAGIC_NUMBERS } from '../../../sandbox';
import { apiRequests, jsonOf, nodeErrorOf, runNode, useSandbox } from '../helpers';

const sandbox = useSandbox();

const getStatus = (uniqueId: string) => ({ resource: 'call', operation: 'getStatus', uniqueId });

async function placeCall(number: string): Promise<string> {
	const result = await runNode(sandbox(), {
		resource: 'call',
		operation: 'place',
		callType: 'audio_blast',
		number,
		audioId: 12,
	});
	return result.items[0].json.unique_id as string;
}

describe('Call › Get Status', () => {
	it('outputs call_status and duration_sec of a call as it progresses', async () => {
		const uniqueId = await placeCall(MAGIC_NUMBERS.answered);
		const queued = await runNode(sandbox(), getStatus(uniqueId));
		expect(jsonOf(queued.items)).toEqual([
			expect.objectContaining({
				status: 'success',
				unique_id: uniqueId,
				call_status: 'queued',
				details: 'queued',
			}),
		]);
		sandbox().control.advanceClock(10 * 60_000);
		const done = await runNode(sandbox(), getStatus(uniqueId));
		expect(done.items[0].json).toMatchObject({
			call_status: 'completed',
			duration_sec: expect.any(Number),
		});
		expect(apiRequests(sandbox(), 'GET').map((entry) => entry.path)).toEqual([
			`/calls/${uniqueId}`,
			`/calls/${uniqueId}`,
		]);
	});

	it('works for a verification request id and outputs verified and attempts', async () => {
		const sent = await runNode(sandbox(), {
			resource: 'verification',
			operation: 'sendCode',
			number: '9812345678',
		});
		const requestId = sent.items[0].json.request_id as string;
		const result = await runNode(sandbox(), getStatus(requestId));
		expect(result.items[0].json).toMatchObject({
			unique_id: requestId,
			call_status: 'pending',
			verified: false,
			attempts: 0,
			max_attempts: 3,
		});
	});

	it('an id of another account is the API 404, naming the item', async () => {
		const error = nodeErrorOf(await runNode(sandbox(), getStatus('run_999999')));
		expect(error.message).toBe('Agentive Voice API error 404: Call not found.');
		expect(error.context?.itemIndex).toBe(0);
	});
});

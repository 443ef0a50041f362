/**
 * Faults that match one recipient: `number` in a fault spec. The fault fires only on requests whose
 * JSON body's `number` is that recipient (any of the three documented forms), so one customer's
 * placement fails while the rest of a batch goes through.
 */
import { expectError, get, post, send, useSandbox } from './helpers';

const sandbox = useSandbox();

const TARGET = '9812345678';
const place = (number: string, referenceId = `ref-${number}`) =>
	send(sandbox(), 'POST', '/calls', {
		body: { type: 'audio_blast', number, audio_id: 12, reference_id: referenceId },
		agent: false,
	});
const callsTo = (number: string) =>
	sandbox()
		.control.calls()
		.filter((call) => call.to_number === `+91${number.slice(-10)}`);

describe('fault with number', () => {
	it('fires only for that recipient, in a batch, as often as count says', async () => {
		const added = await post(sandbox(), '/__sandbox/faults', {
			kind: 'status503',
			number: TARGET,
			count: 1,
		});
		expect(added.status).toBe(200);
		expect(added.json.data).toEqual([
			{ kind: 'status503', number: TARGET, method: 'POST', count: 1 },
		]);

		const batch = ['9812345670', '9812345671', TARGET, '9812345679'];
		const statuses: number[] = [];
		for (const number of batch) statuses.push((await place(number)).status);
		expect(statuses).toEqual([200, 200, 503, 200]);
		expect(callsTo(TARGET)).toEqual([]); // refused before processing: no call created
		expect(sandbox().control.pendingFaults()).toEqual([]);

		// Used up: the same recipient is placed normally afterwards.
		expect((await place(TARGET)).status).toBe(200);
		expect(callsTo(TARGET)).toHaveLength(1);
		expect(batch.map((number) => callsTo(number).length)).toEqual([1, 1, 1, 1]);
	});

	it('matches the recipient in any of the three forms, in the spec and in the body', async () => {
		sandbox().control.injectFault({ kind: 'status500', number: '+919812345678', count: 3 });
		expectError(await place('9812345678'), 500);
		expectError(await place('919812345678'), 500);
		expectError(await place('+919812345678'), 500);
		expect((await place('9812345678')).status).toBe(200);

		sandbox().control.injectFault({ kind: 'status503', number: '919812345670' });
		expect((await place('9812345671')).status).toBe(200);
		expectError(await place('+919812345670'), 503);
	});

	it("a count of 3 covers the node's three placement attempts for that item", async () => {
		sandbox().control.injectFault({ kind: 'status503', number: TARGET, count: 3 });
		const statuses: number[] = [];
		for (let attempt = 0; attempt < 4; attempt++)
			statuses.push((await place(TARGET, 'same-ref')).status);
		expect(statuses).toEqual([503, 503, 503, 200]);
		expect(callsTo(TARGET)).toHaveLength(1);
	});

	it('covers every request with the number in its body: campaign trigger and Send Code too', async () => {
		sandbox().control.injectFault({ kind: 'status503', number: TARGET, count: 2 });
		expectError(
			await post(sandbox(), '/campaigns/57/trigger', { number: TARGET, reference_id: 'camp-1' }),
			503,
		);
		expectError(await post(sandbox(), '/otp/send', { number: `+91${TARGET}` }), 503);
		expect((await post(sandbox(), '/otp/send', { number: TARGET })).status).toBe(200);
	});

	it('never fires on a list-calls lookup (the number is in the query, not a body) or on other numbers', async () => {
		sandbox().control.injectFault({ kind: 'status503', number: TARGET });
		expect((await get(sandbox(), `/calls?number=${TARGET}`)).status).toBe(200);
		expect((await get(sandbox(), '/account')).status).toBe(200);
		expect(
			(await post(sandbox(), '/otp/verify', { number: '9812345671', code: '1234' })).status,
		).not.toBe(503); // another number
		expect(
			(await send(sandbox(), 'POST', '/calls', { body: 'not json', agent: false })).status,
		).toBe(400);
		expect(
			(await post(sandbox(), '/calls', { type: 'audio_blast', number: 9812345678, audio_id: 12 }))
				.status,
		).toBe(400); // a number, not a string
		expect(sandbox().control.pendingFaults()).toEqual([
			{ kind: 'status503', number: TARGET, method: 'POST', count: 1 },
		]);
		expectError(await place(TARGET), 503);
	});

	it('combines with method and path: all of them must match', async () => {
		sandbox().control.injectFault({ kind: 'status503', number: TARGET, path: '/otp/send' });
		expect((await place(TARGET)).status).toBe(200);
		expectError(await post(sandbox(), '/otp/send', { number: TARGET }), 503);

		sandbox().control.injectFault({ kind: 'status503', number: TARGET, method: 'put' });
		expect(sandbox().control.pendingFaults()).toEqual([
			{ kind: 'status503', number: TARGET, method: 'PUT', count: 1 },
		]);
		expect((await place(TARGET)).status).toBe(200);
	});

	it('drop-response for one number: that call is really placed, and its answer is lost', async () => {
		sandbox().control.injectFault({ kind: 'drop-response', number: TARGET });
		expect((await place('9812345671')).status).toBe(200);
		await expect(place(TARGET, 'lost-answer')).rejects.toThrow();
		expect(callsTo(TARGET).map((call) => call.reference_id)).toEqual(['lost-answer']);
		const logged = sandbox()
			.control.requestLog()
			.filter((entry) => entry.method === 'POST');
		expect(logged.map((entry) => entry.status)).toEqual([200, 200]);
	});

	it('faults without a number still match whatever the body says', async () => {
		sandbox().control.injectFault({ kind: 'status500', method: 'POST', path: '/calls' });
		expectError(await place('9812345671'), 500);
		expect((await place('9812345671')).status).toBe(200);
	});

	it('a number that is not a recipient → 400, nothing armed', async () => {
		for (const number of ['12345', '09812345678', '98123 45678', '', 9812345678]) {
			expectError(
				await post(sandbox(), '/__sandbox/faults', { kind: 'status503', number }),
				400,
				'number must be an Indian mobile number: 9812345678, 919812345678 or +919812345678.',
			);
		}
		expect(() =>
			sandbox().control.injectFault({ kind: 'status503', number: '5812345678' }),
		).toThrow(/number must be/);
		expect(sandbox().control.pendingFaults()).toEqual([]);
	});
});

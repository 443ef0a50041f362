/** Call › Place: the three call types, the body actually sent and the output. */
import { DEMO } from '../../../sandbox';
import { apiRequests, jsonOf, onlyBody, runNode, useSandbox } from '../helpers';

// The sandbox clock starts at the real time: placement recovery looks calls up from the local
// clock's "now" (minus a 2-minute lookback), as it would against the real API.
const sandbox = useSandbox({ clock: { mode: 'manual', startMs: Date.now() } });

const place = (parameters: Record<string, unknown>) => ({
	resource: 'call',
	operation: 'place',
	...parameters,
});

describe('Call › Place: audio blast', () => {
	it('sends type, the normalised number, audio_id and the reference ID, and outputs the envelope', async () => {
		const result = await runNode(
			sandbox(),
			place({
				callType: 'audio_blast',
				number: '98123 45678',
				audioId: DEMO.audioIds.orderConfirmation,
				referenceId: 'order-99213',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(onlyBody(sandbox(), 'POST', '/calls')).toEqual({
			type: 'audio_blast',
			number: '+919812345678',
			audio_id: 12,
			reference_id: 'order-99213',
		});
		expect(jsonOf(result.items)).toEqual([
			{
				status: 'success',
				code: 200,
				unique_id: expect.stringMatching(/^run_\d+$/),
				reference_id: 'order-99213',
				details: 'Call queued.',
			},
		]);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('generates a unique reference ID per item when Reference ID is empty (the default option)', async () => {
		const result = await runNode(
			sandbox(),
			place({ callType: 'audio_blast', number: '9812345678', audioId: 12 }),
			{
				items: [{}, {}],
			},
		);
		const sent = apiRequests(sandbox(), 'POST', '/calls').map(
			(entry) => (entry.body as { reference_id: string }).reference_id,
		);
		expect(sent).toHaveLength(2);
		// n8n-<chain token>-<node>-<run index>-<item index>: repeatable in an n8n Retry, unique otherwise.
		for (const id of sent) expect(id).toMatch(/^n8n-[A-Za-z0-9]{10}-[0-9a-z]+-\d+-\d+$/);
		expect(sent.map((id) => id.split('-').slice(-2).join('-'))).toEqual(['0-0', '0-1']);
		expect(sent[0]).not.toBe(sent[1]);
		expect(jsonOf(result.items).map((json) => json.reference_id)).toEqual(sent);
	});

	it('sends no reference ID when the option is off', async () => {
		await runNode(
			sandbox(),
			place({
				callType: 'audio_blast',
				number: '9812345678',
				audioId: 12,
				options: { generateReferenceId: false },
			}),
		);
		expect(onlyBody(sandbox(), 'POST', '/calls')).not.toHaveProperty('reference_id');
	});

	it('strips control characters from the reference ID before sending it', async () => {
		const result = await runNode(
			sandbox(),
			place({
				callType: 'audio_blast',
				number: '9812345678',
				audioId: 12,
				referenceId: 'order\t-7\n',
			}),
		);
		expect(onlyBody(sandbox(), 'POST', '/calls').reference_id).toBe('order-7');
		expect(result.items[0].json.reference_id).toBe('order-7');
	});

	it('takes every field from expressions, numbers given as strings included', async () => {
		const result = await runNode(
			sandbox(),
			place({
				callType: '={{ $json.kind }}',
				number: '={{ $json.phone }}',
				audioId: '={{ $json.clip }}',
				referenceId: '={{ "lead-" + $json.lead }}',
				additionalFields: { callerId: '={{ $json.from }}' },
			}),
			{
				items: [
					{
						kind: 'audio_blast',
						phone: '+91 98123-45678',
						clip: '18',
						lead: 7,
						from: '080-41234567',
					},
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(onlyBody(sandbox(), 'POST', '/calls')).toEqual({
			type: 'audio_blast',
			number: '+919812345678',
			audio_id: 18,
			caller_id: '08041234567',
			reference_id: 'lead-7',
		});
		expect(sandbox().control.calls()[0].from_number).toBe(DEMO.callerIds.secondary);
	});

	it('a lost response is resolved by the generated reference ID: output marked recovered, one call placed', async () => {
		sandbox().control.injectFault({ kind: 'drop-response', method: 'POST', path: '/calls' });
		const result = await runNode(
			sandbox(),
			place({ callType: 'audio_blast', number: '9812345678', audioId: 12 }),
		);
		expect(result.error).toBeUndefined();
		const [json] = jsonOf(result.items);
		const [call] = sandbox().control.calls();
		expect(sandbox().control.calls()).toHaveLength(1);
		expect(json).toMatchObject({
			status: 'success',
			recovered: true,
			unique_id: call.unique_id,
			reference_id: call.reference_id,
		});
		expect(json.reference_id).toMatch(/^n8n-/);
		expect(apiRequests(sandbox(), 'POST', '/calls')).toHaveLength(1);
	});

	it('reports an API rejection (unknown audio clip) as the API error for that item', async () => {
		const result = await runNode(
			sandbox(),
			place({ callType: 'audio_blast', number: '9812345678', audioId: 999 }),
		);
		const error = result.nodeError as { message: string; httpCode?: string };
		expect(error.message).toBe(
			'Agentive Voice API error 400: audio_id was not found in your audio library.',
		);
		expect(error.httpCode).toBe('400');
	});
});

describe('Call › Place: press 1', () => {
	it('sends the default keypad map 1 → connect_agent', async () => {
		await runNode(
			sandbox(),
			place({ callType: 'press1', number: '9812345678', audioId: 18, referenceId: 'promo-march' }),
		);
		expect(onlyBody(sandbox(), 'POST', '/calls')).toEqual({
			type: 'press1',
			number: '+919812345678',
			audio_id: 18,
			dtmf_map: { '1': 'connect_agent' },
			reference_id: 'promo-march',
		});
	});

	it('sends an edited keypad map, digits and * / # included', async () => {
		await runNode(
			sandbox(),
			place({
				callType: 'press1',
				number: '9812345678',
				audioId: 18,
				keypadActions: {
					mapping: [
						{ digit: '1', action: 'connect_agent' },
						{ digit: '2', action: 'callback' },
						{ digit: '9', action: 'opt_out' },
						{ digit: '*', action: 'repeat' },
					],
				},
			}),
		);
		expect(onlyBody(sandbox(), 'POST', '/calls').dtmf_map).toEqual({
			'1': 'connect_agent',
			'2': 'callback',
			'9': 'opt_out',
			'*': 'repeat',
		});
	});

	it('leaves dtmf_map out when every row is removed, so the API default applies', async () => {
		await runNode(
			sandbox(),
			place({
				callType: 'press1',
				number: '9812345678',
				audioId: 18,
				keypadActions: { mapping: [] },
			}),
		);
		expect(onlyBody(sandbox(), 'POST', '/calls')).not.toHaveProperty('dtmf_map');
	});
});

describe('Call › Place: verification code (otp)', () => {
	it('sends the Send Code fields on POST /calls and outputs request_id and expires_in_sec', async () => {
		const result = await runNode(
			sandbox(),
			place({
				callType: 'otp',
				number: '919812345678',
				codeSource: 'custom',
				code: '482193',
				message: 'Your Acme code is {code}.',
				referenceId: 'signup-1',
				additionalFields: { ttl: 120, maxAttempts: 5 },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(onlyBody(sandbox(), 'POST', '/calls')).toEqual({
			type: 'otp',
			number: '+919812345678',
			code: '482193',
			message: 'Your Acme code is {code}.',
			ttl: 120,
			max_attempts: 5,
			reference_id: 'signup-1',
		});
		const [json] = jsonOf(result.items);
		expect(json).toMatchObject({
			status: 'success',
			details: 'Verification call queued.',
			expires_in_sec: 120,
			reference_id: 'signup-1',
		});
		expect(json.request_id).toBe(json.unique_id);
		expect(sandbox().control.otp(json.request_id as string)).toEqual({
			code: '482193',
			message: 'Your Acme code is 4 8 2 1 9 3.',
		});
	});

	it('asks for a generated code of the chosen length, with a generated reference ID (so a Retry can find the request)', async () => {
		const result = await runNode(
			sandbox(),
			place({ callType: 'otp', number: '9812345678', codeSource: 'generate', length: '6' }),
		);
		expect(onlyBody(sandbox(), 'POST', '/calls')).toEqual({
			type: 'otp',
			number: '+919812345678',
			length: 6,
			reference_id: expect.stringMatching(/^n8n-[A-Za-z0-9]{10}-[0-9a-z]+-\d+-\d+$/),
		});
		expect(sandbox().control.otp(result.items[0].json.request_id as string)?.code).toMatch(
			/^\d{6}$/,
		);
	});
});

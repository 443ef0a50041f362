/** POST /calls: the three call types, their fields and every validation error. */
import { DEMO, MAGIC_NUMBERS } from '../../sandbox';
import { expectError, expectSuccess, get, post, useSandbox } from './helpers';

const sandbox = useSandbox();

describe('POST /calls: audio_blast', () => {
	it('queues a call and answers "Call queued." with a run_ unique_id', async () => {
		const reply = await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: '9812345678',
			audio_id: DEMO.audioIds.orderConfirmation,
			reference_id: 'order-99213',
		});
		expectSuccess(reply);
		expect(reply.json).toMatchObject({
			unique_id: expect.stringMatching(/^run_\d+$/),
			reference_id: 'order-99213',
			details: 'Call queued.',
		});
		const [call] = sandbox().control.calls();
		expect(call).toMatchObject({
			unique_id: reply.json.unique_id,
			direction: 'outbound',
			to_number: '+919812345678',
			from_number: DEMO.callerIds.default,
			status: 'queued',
			end_reason: null,
		});
		expect(call.campaign_id).toBe(Number(String(reply.json.unique_id).slice(4)));
	});

	it('unique_ids are distinct and increasing', async () => {
		const a = await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: '9812345678',
			audio_id: 12,
		});
		const b = await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: '9812345678',
			audio_id: 12,
		});
		expect(Number(String(b.json.unique_id).slice(4))).toBeGreaterThan(
			Number(String(a.json.unique_id).slice(4)),
		);
	});

	it('audio_id is required', async () => {
		expectError(
			await post(sandbox(), '/calls', { type: 'audio_blast', number: '9812345678' }),
			400,
			'audio_id is required for audio_blast and press1 calls.',
		);
	});

	it('audio_id must be a whole number (no string coercion)', async () => {
		expectError(
			await post(sandbox(), '/calls', {
				type: 'audio_blast',
				number: '9812345678',
				audio_id: '12',
			}),
			400,
			'audio_id must be a whole number.',
		);
		expectError(
			await post(sandbox(), '/calls', {
				type: 'audio_blast',
				number: '9812345678',
				audio_id: 12.5,
			}),
			400,
			'audio_id must be a whole number.',
		);
	});

	it('audio_id must belong to the account', async () => {
		expectError(
			await post(sandbox(), '/calls', { type: 'audio_blast', number: '9812345678', audio_id: 999 }),
			400,
			'audio_id was not found in your audio library.',
		);
		expectError(
			await post(sandbox(), '/calls', {
				type: 'audio_blast',
				number: '9812345678',
				audio_id: DEMO.otherAccountAudioId,
			}),
			400,
			'audio_id was not found in your audio library.',
		);
	});
});

describe('POST /calls: caller_id', () => {
	it('defaults to the account default', async () => {
		await post(sandbox(), '/calls', { type: 'audio_blast', number: '9812345678', audio_id: 12 });
		expect(sandbox().control.calls()[0].from_number).toBe(DEMO.callerIds.default);
	});

	it('accepts another verified caller id, in any common spelling', async () => {
		await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: '9812345678',
			audio_id: 12,
			caller_id: '+918041234567',
		});
		expect(sandbox().control.calls()[0].from_number).toBe(DEMO.callerIds.secondary);
	});

	it('rejects a caller id that is not verified on the account', async () => {
		expectError(
			await post(sandbox(), '/calls', {
				type: 'audio_blast',
				number: '9812345678',
				audio_id: 12,
				caller_id: '02212345678',
			}),
			400,
			'caller_id must be a verified caller number on your account.',
		);
		expectError(
			await post(sandbox(), '/calls', {
				type: 'audio_blast',
				number: '9812345678',
				audio_id: 12,
				caller_id: 7965318581,
			}),
			400,
			'caller_id must be a string.',
		);
	});
});

describe('POST /calls: press1', () => {
	it('queues with the default dtmf_map', async () => {
		expectSuccess(
			await post(sandbox(), '/calls', {
				type: 'press1',
				number: '9812345678',
				audio_id: 18,
				reference_id: 'promo-march',
			}),
		);
	});

	it('accepts a custom dtmf_map', async () => {
		expectSuccess(
			await post(sandbox(), '/calls', {
				type: 'press1',
				number: '9812345678',
				audio_id: 18,
				dtmf_map: { '1': 'connect_agent', '9': 'opt_out', '#': 'repeat' },
			}),
		);
	});

	it.each([
		['not an object', 'connect_agent'],
		['an array', ['connect_agent']],
		['empty', {}],
		['a key that is not a keypad digit', { '12': 'connect_agent' }],
		['an empty action', { '1': '' }],
		['a non-string action', { '1': 5 }],
		['an unknown action', { '1': 'transfer_to_mars' }],
	])('rejects a dtmf_map that is %s', async (_label, dtmfMap) => {
		expectError(
			await post(sandbox(), '/calls', {
				type: 'press1',
				number: '9812345678',
				audio_id: 18,
				dtmf_map: dtmfMap,
			}),
			400,
			'dtmf_map must map keypad digits (0-9, * or #) to one of connect_agent, callback, opt_out, repeat.',
		);
	});

	it('requires audio_id', async () => {
		expectError(
			await post(sandbox(), '/calls', { type: 'press1', number: '9812345678' }),
			400,
			'audio_id is required for audio_blast and press1 calls.',
		);
	});
});

describe('POST /calls: otp', () => {
	it('answers like /otp/send: request_id, expires_in_sec, unique_id = request id', async () => {
		const reply = await post(sandbox(), '/calls', {
			type: 'otp',
			number: '9812345678',
			reference_id: 'signup-1',
		});
		expectSuccess(reply);
		expect(reply.json).toMatchObject({
			details: 'Verification call queued.',
			reference_id: 'signup-1',
			expires_in_sec: 600,
		});
		expect(reply.json.request_id).toBe(reply.json.unique_id);
		expect(sandbox().control.otp(String(reply.json.request_id))?.code).toMatch(/^\d{4}$/);
	});

	it('takes code, length, ttl and message', async () => {
		const reply = await post(sandbox(), '/calls', {
			type: 'otp',
			number: '9812345678',
			code: '246810',
			ttl: 120,
			message: 'Your Acme code is {code}.',
		});
		expect(reply.json.expires_in_sec).toBe(120);
		expect(sandbox().control.otp(String(reply.json.request_id))).toEqual({
			code: '246810',
			message: 'Your Acme code is 2 4 6 8 1 0.',
		});
		const generated = await post(sandbox(), '/calls', {
			type: 'otp',
			number: '9812345678',
			length: 7,
		});
		expect(sandbox().control.otp(String(generated.json.request_id))?.code).toMatch(/^\d{7}$/);
	});

	it('does not need audio_id', async () => {
		expectSuccess(await post(sandbox(), '/calls', { type: 'otp', number: '9812345678' }));
	});
});

describe('POST /calls: type', () => {
	it.each([undefined, 'sms', 'AUDIO_BLAST', 5])('type %j → 400', async (type) => {
		expectError(
			await post(sandbox(), '/calls', { type, number: '9812345678', audio_id: 12 }),
			400,
			'type must be one of audio_blast, press1, otp.',
		);
	});
});

describe('POST /calls: placement failure', () => {
	it.each(['audio_blast', 'press1', 'otp'])(
		'%s to the placement-error number → 503, nothing created',
		async (type) => {
			const reply = await post(sandbox(), '/calls', {
				type,
				number: MAGIC_NUMBERS.placementError,
				audio_id: 12,
			});
			expectError(reply, 503, 'Could not place the call right now. Please retry.');
			expect((await get(sandbox(), '/calls')).json.data).toEqual([]);
		},
	);
});

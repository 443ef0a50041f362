/** POST /otp/send, POST /otp/verify and the verification shape of GET /calls/:unique_id. */
import { MAGIC_NUMBERS, TIMINGS } from '../../sandbox';
import { expectError, expectSuccess, get, post, useSandbox } from './helpers';

const sandbox = useSandbox();
const NUMBER = '9812345678';

async function sendCode(body: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
	const reply = await post(sandbox(), '/otp/send', { number: NUMBER, ...body });
	expectSuccess(reply);
	const id = String(reply.json.request_id);
	return { id, code: String(sandbox().control.otp(id)?.code) };
}

const verify = (body: Record<string, unknown>) => post(sandbox(), '/otp/verify', body);
const wrong = (code: string) => (code === '0000' ? '1111' : '0000');
const verification = async (id: string) => (await get(sandbox(), `/calls/${id}`)).json;

describe('POST /otp/send', () => {
	it('queues a verification call: request_id = unique_id, expires_in_sec', async () => {
		const reply = await post(sandbox(), '/otp/send', {
			number: NUMBER,
			reference_id: 'signup-7781',
		});
		expectSuccess(reply);
		expect(reply.json).toEqual({
			status: 'success',
			code: 200,
			unique_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			reference_id: 'signup-7781',
			details: 'Verification call queued.',
			request_id: reply.json.unique_id,
			expires_in_sec: 600,
		});
	});

	it('defaults: a 4-digit code, read digit by digit and twice', async () => {
		const { id, code } = await sendCode();
		expect(code).toMatch(/^\d{4}$/);
		const spaced = code.split('').join(' ');
		expect(sandbox().control.otp(id)?.message).toBe(
			`Your verification code is ${spaced}. Again, ${spaced}.`,
		);
	});

	it('a custom message has {code} replaced by the spaced digits', async () => {
		const { id } = await sendCode({
			code: '4321',
			message: 'Hi! {code} is your code. Once more: {code}.',
		});
		expect(sandbox().control.otp(id)).toEqual({
			code: '4321',
			message: 'Hi! 4 3 2 1 is your code. Once more: 4 3 2 1.',
		});
	});

	it.each([4, 6, 8])('length %i generates that many digits', async (length) => {
		expect((await sendCode({ length })).code).toMatch(new RegExp(`^\\d{${length}}$`));
	});

	it('ttl sets expires_in_sec', async () => {
		expect(
			(await post(sandbox(), '/otp/send', { number: NUMBER, ttl: 90 })).json.expires_in_sec,
		).toBe(90);
	});

	it.each([
		[{ code: '123' }, 'code must be 4 to 8 digits.'],
		[{ code: '123456789' }, 'code must be 4 to 8 digits.'],
		[{ code: '12a4' }, 'code must be 4 to 8 digits.'],
		[{ code: 1234 }, 'code must be 4 to 8 digits.'],
		[{ length: 3 }, 'length must be a whole number from 4 to 8.'],
		[{ length: 9 }, 'length must be a whole number from 4 to 8.'],
		[{ length: '6' }, 'length must be a whole number from 4 to 8.'],
		[{ ttl: 0 }, 'ttl must be a whole number of seconds from 1 to 86400.'],
		[{ ttl: 1.5 }, 'ttl must be a whole number of seconds from 1 to 86400.'],
		[{ max_attempts: 0 }, 'max_attempts must be a whole number from 1 to 10.'],
		[
			{ message: 'no token here' },
			'message must be a string of at most 500 characters containing the {code} token.',
		],
		[
			{ message: `{code}${'x'.repeat(500)}` },
			'message must be a string of at most 500 characters containing the {code} token.',
		],
		[{ number: undefined }, 'A valid Indian mobile number is required.'],
	])('%j → 400', async (extra, message) => {
		expectError(await post(sandbox(), '/otp/send', { number: NUMBER, ...extra }), 400, message);
	});

	it('the placement-error number → 503 and no verification request', async () => {
		expectError(
			await post(sandbox(), '/otp/send', { number: MAGIC_NUMBERS.placementError }),
			503,
			'Could not place the call right now. Please retry.',
		);
		expectError(
			await verify({ number: MAGIC_NUMBERS.placementError, code: '1234' }),
			400,
			'Verification failed.',
		);
	});

	it('the verification call appears in the call list under the request id', async () => {
		const { id } = await sendCode({ reference_id: 'otp-ref' });
		expect(sandbox().control.calls()[0]).toMatchObject({
			unique_id: id,
			call_id: id,
			to_number: `+91${NUMBER}`,
			campaign_id: null,
			reference_id: 'otp-ref',
		});
	});
});

describe('POST /otp/verify: outcomes (spec table)', () => {
	it('correct code → 200 "Code verified.", verified true', async () => {
		const { id, code } = await sendCode({ reference_id: 'signup-7781' });
		const reply = await verify({ request_id: id, code });
		expect(reply.status).toBe(200);
		expect(reply.json).toEqual({
			status: 'success',
			code: 200,
			unique_id: id,
			reference_id: 'signup-7781',
			details: 'Code verified.',
			request_id: id,
			verified: true,
		});
	});

	it('incorrect code → 401 "Incorrect code.", verified false, attempts_left', async () => {
		const { id, code } = await sendCode();
		const first = await verify({ request_id: id, code: wrong(code) });
		expectError(first, 401, 'Incorrect code.');
		expect(first.json).toMatchObject({ verified: false, attempts_left: 2 });
		expect((await verify({ request_id: id, code: wrong(code) })).json.attempts_left).toBe(1);
	});

	it('expired → 400 "This code has expired."', async () => {
		const { id, code } = await sendCode({ ttl: 60 });
		sandbox().control.advanceClock(60_000);
		const reply = await verify({ request_id: id, code });
		expectError(reply, 400, 'This code has expired.');
		expect(reply.json.verified).toBe(false);
	});

	it('one millisecond before expiry the code still verifies', async () => {
		const { id, code } = await sendCode({ ttl: 60 });
		sandbox().control.advanceClock(59_999);
		expect((await verify({ request_id: id, code })).json.verified).toBe(true);
	});

	it('too many incorrect attempts → 400, even with the right code afterwards', async () => {
		const { id, code } = await sendCode();
		for (let i = 0; i < 3; i++)
			expect((await verify({ request_id: id, code: wrong(code) })).status).toBe(401);
		const reply = await verify({ request_id: id, code });
		expectError(reply, 400, 'Too many incorrect attempts.');
		expect(reply.json.verified).toBe(false);
	});

	it('the last allowed wrong attempt reports attempts_left 0', async () => {
		const { id, code } = await sendCode({ max_attempts: 1 });
		expect((await verify({ request_id: id, code: wrong(code) })).json.attempts_left).toBe(0);
	});

	it('code already used → 400 "This code has already been used."', async () => {
		const { id, code } = await sendCode();
		expect((await verify({ request_id: id, code })).status).toBe(200);
		const again = await verify({ request_id: id, code });
		expectError(again, 400, 'This code has already been used.');
		expect(again.json.verified).toBe(false);
	});

	it('request not found → 400 "Verification failed."', async () => {
		const reply = await verify({
			request_id: '00000000-0000-4000-8000-000000000000',
			code: '1234',
		});
		expectError(reply, 400, 'Verification failed.');
		expect(reply.json.verified).toBe(false);
		expectError(await verify({ number: '9898989898', code: '1234' }), 400, 'Verification failed.');
	});

	it('a malformed number on verify → 400 with verified false', async () => {
		const reply = await verify({ number: '12345', code: '1234' });
		expectError(reply, 400, 'A valid Indian mobile number is required.');
		expect(reply.json.verified).toBe(false);
	});

	it('another account’s request is not found', async () => {
		const { id, code } = await sendCode();
		const reply = await post(
			sandbox(),
			'/otp/verify',
			{ request_id: id, code },
			{
				auth: {
					key: 'pk_live_sandboxother00000000000000000002',
					secret: 'sk_live_sandboxother00000000000000000002',
				},
			},
		);
		expectError(reply, 400, 'Verification failed.');
	});

	it.each([
		[{ request_id: 'x' }],
		[{ number: NUMBER }],
		[{ code: '1234' }],
		[{ code: '', request_id: 'x' }],
		[{ code: 1234, request_id: 'x' }],
		[{}],
	])('missing code or identifier %j → 400', async (body) => {
		const reply = await verify(body);
		expectError(reply, 400, 'A code and either request_id or number are required.');
		expect(reply.json.verified).toBe(false);
	});
});

describe('POST /otp/verify: rules', () => {
	it('every attempt is counted, right or wrong', async () => {
		const { id, code } = await sendCode();
		await verify({ request_id: id, code: wrong(code) });
		await verify({ request_id: id, code });
		expect(await verification(id)).toMatchObject({
			call_status: 'verified',
			verified: true,
			attempts: 2,
			max_attempts: 3,
		});
	});

	it('by number: the most recent pending request is used', async () => {
		const older = await sendCode({ code: '1111' });
		const newer = await sendCode({ code: '2222' });
		expectError(await verify({ number: NUMBER, code: '1111' }), 401, 'Incorrect code.');
		const reply = await verify({ number: `+91${NUMBER}`, code: '2222' });
		expect(reply.json).toMatchObject({ verified: true, request_id: newer.id });
		// The newer one is used up; the older one is now the most recent pending request.
		expect((await verify({ number: `91${NUMBER}`, code: '1111' })).json).toMatchObject({
			verified: true,
			request_id: older.id,
		});
	});

	it('by number with nothing pending: the latest request explains why', async () => {
		const { code } = await sendCode({ ttl: 30 });
		sandbox().control.advanceClock(31_000);
		expectError(await verify({ number: NUMBER, code }), 400, 'This code has expired.');
	});

	it('request_id wins over number', async () => {
		const { id, code } = await sendCode();
		expect((await verify({ request_id: id, number: '9898989898', code })).json.verified).toBe(true);
	});

	it('the echoed reference_id is the one sent with verify, else the one stored at send', async () => {
		const { id, code } = await sendCode({ reference_id: 'from-send' });
		expect((await verify({ request_id: id, code: wrong(code) })).json.reference_id).toBe(
			'from-send',
		);
		expect(
			(await verify({ request_id: id, code, reference_id: 'from-verify' })).json.reference_id,
		).toBe('from-verify');
	});

	it('an unanswered verification call fails the request: no code was heard', async () => {
		const reply = await post(sandbox(), '/otp/send', { number: MAGIC_NUMBERS.noAnswer });
		const id = String(reply.json.request_id);
		const code = String(sandbox().control.otp(id)?.code);
		sandbox().control.advanceClock(TIMINGS.noAnswerAfterMs);
		expect((await verification(id)).call_status).toBe('failed');
		expectError(await verify({ request_id: id, code }), 400, 'Verification failed.');
	});
});

describe('GET /calls/:request_id: verification shape', () => {
	it('pending → verified, with attempts and max_attempts', async () => {
		const { id, code } = await sendCode({ reference_id: 'signup-7781', max_attempts: 5 });
		expect(await verification(id)).toEqual({
			status: 'success',
			code: 200,
			unique_id: id,
			reference_id: 'signup-7781',
			details: 'pending',
			call_status: 'pending',
			verified: false,
			attempts: 0,
			max_attempts: 5,
		});
		await verify({ request_id: id, code });
		expect(await verification(id)).toMatchObject({
			details: 'verified',
			call_status: 'verified',
			verified: true,
			attempts: 1,
		});
	});

	it('expired after ttl', async () => {
		const { id } = await sendCode({ ttl: 10 });
		sandbox().control.advanceClock(10_000);
		expect(await verification(id)).toMatchObject({ call_status: 'expired', verified: false });
	});

	it('failed once the attempt cap is reached', async () => {
		const { id, code } = await sendCode({ max_attempts: 2 });
		await verify({ request_id: id, code: wrong(code) });
		await verify({ request_id: id, code: wrong(code) });
		expect(await verification(id)).toMatchObject({
			call_status: 'failed',
			verified: false,
			attempts: 2,
			max_attempts: 2,
		});
	});

	it('the verification call itself is readable as a call by its call_id in the list, with a recording once done', async () => {
		const { id } = await sendCode();
		sandbox().control.advanceClock(TIMINGS.answerAfterMs + 60_000);
		const call = sandbox()
			.control.calls()
			.find((c) => c.unique_id === id);
		expect(call?.status).toBe('completed');
		expect((await get(sandbox(), `/calls/${id}/recording`)).status).toBe(200);
	});
});

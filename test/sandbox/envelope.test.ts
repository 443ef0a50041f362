/** The response envelope, the error-code table, reference_id rules and request-level errors. */
import { MAGIC_NUMBERS } from '../../sandbox';
import { ENVELOPE_KEYS, expectError, expectSuccess, get, post, send, useSandbox } from './helpers';

const sandbox = useSandbox();
const blast = (extra: Record<string, unknown> = {}) => ({
	type: 'audio_blast',
	number: '9812345678',
	audio_id: 12,
	...extra,
});

describe('the envelope', () => {
	it('a success carries status, code, unique_id, reference_id, details', async () => {
		const reply = await post(sandbox(), '/calls', blast({ reference_id: 'order-99213' }));
		expectSuccess(reply);
		expect(reply.json).toEqual({
			status: 'success',
			code: 200,
			unique_id: expect.stringMatching(/^run_\d+$/),
			reference_id: 'order-99213',
			details: 'Call queued.',
		});
	});

	it('the envelope keys come first, extras after', async () => {
		const reply = await get(sandbox(), '/account');
		expect(Object.keys(reply.json).slice(0, 5)).toEqual(ENVELOPE_KEYS);
		expect(Object.keys(reply.json)).toContain('data');
	});

	it('every read endpoint uses the envelope too', async () => {
		for (const path of ['/calls', '/campaigns', '/account']) {
			const reply = await get(sandbox(), path);
			expectSuccess(reply);
			expect(reply.json.unique_id).toBeNull();
		}
	});

	it('reference_id is null when not sent', async () => {
		const reply = await post(sandbox(), '/calls', blast());
		expect(reply.json.reference_id).toBeNull();
	});
});

describe('error codes (spec table)', () => {
	it('400: a required field is missing or invalid', async () => {
		expectError(
			await post(sandbox(), '/calls', blast({ number: '12345' })),
			400,
			'A valid Indian mobile number is required.',
		);
	});

	it('400 errors echo the reference_id (spec example)', async () => {
		const reply = await post(
			sandbox(),
			'/calls',
			blast({ number: 'x', reference_id: 'order-99213' }),
		);
		expect(reply.json).toEqual({
			status: 'error',
			code: 400,
			unique_id: null,
			reference_id: 'order-99213',
			details: 'A valid Indian mobile number is required.',
		});
	});

	it('401 / 403: credentials', async () => {
		expectError(await get(sandbox(), '/calls', { auth: false }), 401);
		expectError(
			await get(sandbox(), '/calls', { auth: { key: sandbox().apiKey, secret: 'nope' } }),
			403,
		);
	});

	it('404: unknown call, campaign or verification request', async () => {
		expectError(await get(sandbox(), '/calls/run_999999'), 404, 'Call not found.');
		expectError(
			await post(sandbox(), '/campaigns/999/trigger', { number: '9812345678' }),
			404,
			'Campaign not found.',
		);
		expectError(
			await get(sandbox(), '/calls/5f3c8b2a-1d4e-4a9c-9e7b-2c6f0a1b3d8e'),
			404,
			'Not found.',
		);
	});

	it('5xx: a failed placement returns the neutral retry message and creates nothing', async () => {
		const reply = await post(
			sandbox(),
			'/calls',
			blast({ number: MAGIC_NUMBERS.placementError, reference_id: 'r-5xx' }),
		);
		expectError(reply, 503, 'Could not place the call right now. Please retry.');
		expect(reply.json.reference_id).toBe('r-5xx');
		expect(sandbox().control.calls()).toHaveLength(0);
	});
});

describe('request-level errors', () => {
	it('unknown route under the API base → enveloped 404 (after auth)', async () => {
		const reply = await get(sandbox(), '/nothing-here');
		expectError(reply, 404, 'Not found.');
		expect(reply.headers['ratelimit-limit']).toBe('120');
	});

	it('unknown route outside the API base → enveloped 404 without auth', async () => {
		expectError(
			await send(sandbox(), 'GET', `${sandbox().origin}/`, { auth: false }),
			404,
			'Not found.',
		);
		expectError(
			await send(sandbox(), 'GET', `${sandbox().origin}/api/public/v2/calls`, { auth: false }),
			404,
			'Not found.',
		);
	});

	it('a documented path with the wrong method → 404', async () => {
		expectError(await send(sandbox(), 'DELETE', '/calls'), 404, 'Not found.');
		expectError(await send(sandbox(), 'PUT', '/account'), 404, 'Not found.');
	});

	it('a trailing slash is tolerated', async () => {
		expectSuccess(await get(sandbox(), '/account/'));
	});

	it('malformed JSON → 400', async () => {
		expectError(
			await post(sandbox(), '/calls', '{"type": "audio_blast",'),
			400,
			'The request body is not valid JSON.',
		);
	});

	it('a JSON body that is not an object → 400', async () => {
		expectError(
			await post(sandbox(), '/calls', '[1,2,3]'),
			400,
			'The request body must be a JSON object.',
		);
		expectError(
			await post(sandbox(), '/otp/send', '"9812345678"'),
			400,
			'The request body must be a JSON object.',
		);
	});

	it('an empty POST body is an empty object (so field validation answers)', async () => {
		expectError(
			await post(sandbox(), '/calls', ''),
			400,
			'type must be one of audio_blast, press1, otp.',
		);
	});

	it('a body over 1 MB → 413, and the server keeps serving', async () => {
		const huge = JSON.stringify({ type: 'audio_blast', pad: 'x'.repeat(1_100_000) });
		expectError(
			await post(sandbox(), '/calls', huge),
			413,
			'The request body is too large. The limit is 1 MB.',
		);
		expectSuccess(await get(sandbox(), '/account'));
	});

	it('error bodies never carry stack traces or internal detail', async () => {
		const replies = [
			await post(sandbox(), '/calls', '{oops'),
			await get(sandbox(), '/calls?page=abc'),
			await post(sandbox(), '/calls', blast({ number: MAGIC_NUMBERS.placementError })),
		];
		for (const reply of replies) {
			expect(Object.keys(reply.json).sort()).toEqual([
				'code',
				'details',
				'reference_id',
				'status',
				'unique_id',
			]);
			expect(reply.raw.toString()).not.toMatch(/at .*\.ts|Error:|stack|node:/);
		}
	});
});

describe('reference_id', () => {
	it('is capped at 120 characters', async () => {
		const reply = await post(sandbox(), '/calls', blast({ reference_id: 'a'.repeat(200) }));
		expect(reply.json.reference_id).toBe('a'.repeat(120));
	});

	it('has control characters stripped (before the cap)', async () => {
		const reply = await post(
			sandbox(),
			'/calls',
			blast({ reference_id: `\u0000ord\ter-\u007f1\n${'b'.repeat(118)}` }),
		);
		expect(reply.json.reference_id).toBe(`order-1${'b'.repeat(113)}`);
	});

	it('never splits a character made of two UTF-16 units', async () => {
		const reply = await post(sandbox(), '/calls', blast({ reference_id: '😀'.repeat(130) }));
		expect(reply.json.reference_id).toBe('😀'.repeat(120));
	});

	it('is stored on the call and echoed by status and list', async () => {
		const placed = await post(sandbox(), '/calls', blast({ reference_id: 'order-42' }));
		const status = await get(sandbox(), `/calls/${String(placed.json.unique_id)}`);
		expect(status.json.reference_id).toBe('order-42');
		const list = await get(sandbox(), '/calls');
		expect((list.json.data as Array<{ reference_id: string }>)[0].reference_id).toBe('order-42');
	});

	it('a number is accepted as its string; other types → 400', async () => {
		expect((await post(sandbox(), '/calls', blast({ reference_id: 991 }))).json.reference_id).toBe(
			'991',
		);
		expectError(
			await post(sandbox(), '/calls', blast({ reference_id: { a: 1 } })),
			400,
			'reference_id must be a string.',
		);
	});

	it('a reference_id that is only control characters becomes null', async () => {
		expect(
			(await post(sandbox(), '/calls', blast({ reference_id: '\u0001\u0002' }))).json.reference_id,
		).toBeNull();
	});

	it('is echoed on GET requests from the query string', async () => {
		expect((await get(sandbox(), '/account?reference_id=poll-7')).json.reference_id).toBe('poll-7');
	});
});

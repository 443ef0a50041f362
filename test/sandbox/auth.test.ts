/** Authentication: every row of the spec's auth error table, and how credentials may be sent. */
import { API_DISABLED_ACCOUNT, DEMO_ACCOUNT, INACTIVE_ACCOUNT, OTHER_ACCOUNT } from '../../sandbox';
import { expectError, expectSuccess, get, post, useSandbox } from './helpers';

const sandbox = useSandbox();
const basic = (user: string, password: string) =>
	`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('authentication errors (spec table)', () => {
	it('no publishable key → 401 "Missing API key…"', async () => {
		const reply = await get(sandbox(), '/account', { auth: false });
		expectError(reply, 401, 'Missing API key. Send your publishable key in the x-api-key header.');
	});

	it('an empty x-api-key header counts as no key', async () => {
		const reply = await get(sandbox(), '/account', { auth: false, headers: { 'x-api-key': '' } });
		expectError(reply, 401, 'Missing API key. Send your publishable key in the x-api-key header.');
	});

	it('unknown publishable key → 401 "Invalid API credentials."', async () => {
		const reply = await get(sandbox(), '/account', {
			auth: { key: 'pk_live_doesnotexist0000000000000000000', secret: DEMO_ACCOUNT.apiSecret },
		});
		expectError(reply, 401, 'Invalid API credentials.');
	});

	it('known key with a wrong secret → 403 "Invalid API credentials."', async () => {
		const reply = await get(sandbox(), '/account', {
			auth: { key: DEMO_ACCOUNT.apiKey, secret: 'sk_live_wrong' },
		});
		expectError(reply, 403, 'Invalid API credentials.');
	});

	it('known key with no secret at all → 403 "Invalid API credentials."', async () => {
		const reply = await get(sandbox(), '/account', { auth: { key: DEMO_ACCOUNT.apiKey } });
		expectError(reply, 403, 'Invalid API credentials.');
	});

	it('another account’s secret does not work with this key', async () => {
		const reply = await get(sandbox(), '/account', {
			auth: { key: DEMO_ACCOUNT.apiKey, secret: OTHER_ACCOUNT.apiSecret },
		});
		expectError(reply, 403, 'Invalid API credentials.');
	});

	it('account not active → 403 "This account is not active…"', async () => {
		const reply = await get(sandbox(), '/account', {
			auth: { key: INACTIVE_ACCOUNT.apiKey, secret: INACTIVE_ACCOUNT.apiSecret },
		});
		expectError(reply, 403, 'This account is not active. Please contact support.');
	});

	it('API access not enabled → 403 "The API is not enabled…"', async () => {
		const reply = await get(sandbox(), '/account', {
			auth: { key: API_DISABLED_ACCOUNT.apiKey, secret: API_DISABLED_ACCOUNT.apiSecret },
		});
		expectError(reply, 403, 'The API is not enabled for this account. Please contact support.');
	});

	it('an inactive account with a wrong secret gets the generic message, so account state cannot be probed', async () => {
		const reply = await get(sandbox(), '/account', {
			auth: { key: INACTIVE_ACCOUNT.apiKey, secret: 'sk_live_guess' },
		});
		expectError(reply, 403, 'Invalid API credentials.');
	});

	it('auth errors carry no rate-limit headers and no internal detail', async () => {
		const reply = await get(sandbox(), '/account', { auth: false });
		expect(reply.headers['ratelimit-limit']).toBeUndefined();
		expect(Object.keys(reply.json).sort()).toEqual([
			'code',
			'details',
			'reference_id',
			'status',
			'unique_id',
		]);
	});
});

describe('ways to send the credentials', () => {
	it('x-api-key + x-api-secret headers', async () => {
		expectSuccess(await get(sandbox(), '/account'));
	});

	it('the secret in the JSON body', async () => {
		const reply = await post(
			sandbox(),
			'/otp/verify',
			{ secret: DEMO_ACCOUNT.apiSecret, request_id: 'nope', code: '1234' },
			{ auth: { key: DEMO_ACCOUNT.apiKey } },
		);
		expectError(reply, 400, 'Verification failed.');
	});

	it('the header secret wins over the body secret', async () => {
		const wrongHeader = await post(
			sandbox(),
			'/otp/verify',
			{ secret: DEMO_ACCOUNT.apiSecret, request_id: 'x', code: '1' },
			{ auth: { key: DEMO_ACCOUNT.apiKey, secret: 'sk_live_wrong' } },
		);
		expectError(wrongHeader, 403, 'Invalid API credentials.');
		const rightHeader = await post(sandbox(), '/otp/verify', {
			secret: 'sk_live_wrong',
			request_id: 'x',
			code: '1',
		});
		expectError(rightHeader, 400, 'Verification failed.');
	});

	it('HTTP Basic (curl -u key:secret)', async () => {
		const reply = await get(sandbox(), '/account', {
			auth: false,
			headers: { Authorization: basic(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret) },
		});
		expectSuccess(reply);
	});

	it('HTTP Basic with a wrong password → 403, unknown user → 401', async () => {
		expectError(
			await get(sandbox(), '/account', {
				auth: false,
				headers: { Authorization: basic(DEMO_ACCOUNT.apiKey, 'nope') },
			}),
			403,
			'Invalid API credentials.',
		);
		expectError(
			await get(sandbox(), '/account', {
				auth: false,
				headers: { Authorization: basic('pk_live_nobody', 'x') },
			}),
			401,
			'Invalid API credentials.',
		);
	});

	it('x-api-key takes precedence over Basic credentials', async () => {
		const reply = await get(sandbox(), '/account', {
			auth: false,
			headers: {
				'x-api-key': OTHER_ACCOUNT.apiKey,
				'x-api-secret': OTHER_ACCOUNT.apiSecret,
				Authorization: basic(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret),
			},
		});
		expectSuccess(reply);
		expect(reply.json.data).toEqual({ balance_inr: OTHER_ACCOUNT.balanceInr, currency: 'INR' });
	});

	it('an x-api-key with Basic credentials only uses the x-api-key (Basic password is ignored)', async () => {
		const reply = await get(sandbox(), '/account', {
			auth: false,
			headers: {
				'x-api-key': DEMO_ACCOUNT.apiKey,
				Authorization: basic(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret),
			},
		});
		expectError(reply, 403, 'Invalid API credentials.');
	});

	it('a malformed Authorization header is the same as none', async () => {
		expectError(
			await get(sandbox(), '/account', { auth: false, headers: { Authorization: 'Bearer abc' } }),
			401,
			'Missing API key. Send your publishable key in the x-api-key header.',
		);
	});
});

describe('accounts are isolated', () => {
	it('one account’s calls are not visible to another', async () => {
		const placed = await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: '9812345678',
			audio_id: 12,
		});
		const id = String(placed.json.unique_id);
		const other = { key: OTHER_ACCOUNT.apiKey, secret: OTHER_ACCOUNT.apiSecret };
		expectError(await get(sandbox(), `/calls/${id}`, { auth: other }), 404, 'Call not found.');
		const list = await get(sandbox(), '/calls', { auth: other });
		expect(list.json.data).toEqual([]);
	});
});

/**
 * Verification › Verify Code: every expected outcome is data ({ verified, reason, attempts_left })
 * for an IF node to branch on; only real failures throw; nothing is ever retried.
 */
import { randomUUID } from 'node:crypto';

import { apiRequests, jsonOf, nodeErrorOf, runNode, useSandbox } from '../helpers';

const sandbox = useSandbox();

async function sendCode(
	extra: Record<string, unknown> = {},
): Promise<{ requestId: string; code: string }> {
	const result = await runNode(sandbox(), {
		resource: 'verification',
		operation: 'sendCode',
		number: '9812345678',
		...extra,
	});
	const requestId = result.items[0].json.request_id as string;
	return { requestId, code: sandbox().control.otp(requestId)?.code as string };
}

const verifyById = (requestId: string, code: string) => ({
	resource: 'verification',
	operation: 'verifyCode',
	verifyBy: 'requestId',
	requestId,
	code,
});

/** A code of the same length that is not the right one. */
const wrong = (code: string) => code.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));

describe('Verification › Verify Code: outcomes as data', () => {
	it('the right code → verified: true', async () => {
		const { requestId, code } = await sendCode({ referenceId: 'signup-1' });
		sandbox().control.clearLog();
		const result = await runNode(sandbox(), verifyById(requestId, code));
		expect(apiRequests(sandbox()).map((entry) => entry.body)).toEqual([
			{ request_id: requestId, code },
		]);
		expect(jsonOf(result.items)).toEqual([
			{
				verified: true,
				details: 'Code verified.',
				request_id: requestId,
				reference_id: 'signup-1',
			},
		]);
	});

	it('a wrong code (401 with verified: false) → verified: false, reason incorrect_code, attempts_left; sent once', async () => {
		const { requestId, code } = await sendCode({ referenceId: 'signup-2' });
		sandbox().control.clearLog();
		const result = await runNode(sandbox(), verifyById(requestId, wrong(code)));
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.items)).toEqual([
			{
				verified: false,
				reason: 'incorrect_code',
				attempts_left: 2,
				details: 'Incorrect code.',
				request_id: requestId,
				reference_id: 'signup-2',
			},
		]);
		expect(apiRequests(sandbox())).toHaveLength(1);
	});

	it('an expired code → reason expired', async () => {
		const { requestId, code } = await sendCode({ additionalFields: { ttl: 60 } });
		sandbox().control.advanceClock(61_000);
		const result = await runNode(sandbox(), verifyById(requestId, code));
		expect(result.items[0].json).toMatchObject({
			verified: false,
			reason: 'expired',
			details: 'This code has expired.',
		});
	});

	it('a used code → reason already_used', async () => {
		const { requestId, code } = await sendCode();
		await runNode(sandbox(), verifyById(requestId, code));
		const result = await runNode(sandbox(), verifyById(requestId, code));
		expect(result.items[0].json).toMatchObject({
			verified: false,
			reason: 'already_used',
			details: 'This code has already been used.',
		});
	});

	it('too many attempts → attempts_left counts down, then reason too_many_attempts, even for the right code', async () => {
		const { requestId, code } = await sendCode({ additionalFields: { maxAttempts: 2 } });
		const first = await runNode(sandbox(), verifyById(requestId, wrong(code)));
		const second = await runNode(sandbox(), verifyById(requestId, wrong(code)));
		const third = await runNode(sandbox(), verifyById(requestId, code));
		expect([first, second].map((run) => run.items[0].json.attempts_left)).toEqual([1, 0]);
		expect(third.items[0].json).toMatchObject({
			verified: false,
			reason: 'too_many_attempts',
			details: 'Too many incorrect attempts.',
		});
	});

	it('an unknown request → verified: false, reason verification_failed (the API does not say more)', async () => {
		const result = await runNode(sandbox(), verifyById(randomUUID(), '1234'));
		expect(result.items[0].json).toMatchObject({
			verified: false,
			reason: 'verification_failed',
			details: 'Verification failed.',
		});
	});

	it('verifies by number, using its most recent pending request', async () => {
		await sendCode();
		const { code } = await sendCode();
		sandbox().control.clearLog();
		const result = await runNode(sandbox(), {
			resource: 'verification',
			operation: 'verifyCode',
			verifyBy: 'number',
			number: '+91 98123 45678',
			code,
		});
		expect(apiRequests(sandbox())[0].body).toEqual({ number: '+919812345678', code });
		expect(result.items[0].json.verified).toBe(true);
	});

	it('one run can mix outcomes: each item gets its own verified flag', async () => {
		const { requestId, code } = await sendCode();
		const result = await runNode(sandbox(), verifyById('={{ $json.id }}', '={{ $json.code }}'), {
			items: [
				{ id: requestId, code: wrong(code) },
				{ id: requestId, code },
			],
		});
		expect(jsonOf(result.items).map((json) => json.verified)).toEqual([false, true]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Verification › Verify Code: real failures throw and are never retried', () => {
	it('an unknown publishable key (401 without verified) is a credential error, not a wrong code', async () => {
		const { requestId, code } = await sendCode();
		sandbox().control.clearLog();
		const result = await runNode(sandbox(), verifyById(requestId, code), {
			credentials: {
				url: sandbox().url,
				apiKey: 'pk_live_unknownunknownunknownunknown00',
				apiSecret: sandbox().apiSecret,
			},
		});
		const error = nodeErrorOf(result);
		expect(error.message).toBe('Agentive Voice API error 401: Invalid API credentials.');
		expect(error.httpCode).toBe('401');
		expect(apiRequests(sandbox())).toHaveLength(1);
	});

	it('a wrong secret (403) throws', async () => {
		const { requestId, code } = await sendCode();
		const result = await runNode(sandbox(), verifyById(requestId, code), {
			credentials: {
				url: sandbox().url,
				apiKey: sandbox().apiKey,
				apiSecret: 'sk_live_wrongsecretwrongsecretwrongsec1',
			},
		});
		expect(nodeErrorOf(result).message).toBe(
			'Agentive Voice API error 403: Invalid API credentials.',
		);
	});

	it('a 5xx throws after one attempt: the attempt may have counted, so it is not repeated', async () => {
		const { requestId, code } = await sendCode();
		sandbox().control.clearLog();
		sandbox().control.injectFault({
			kind: 'status500',
			method: 'POST',
			path: '/otp/verify',
			count: 3,
		});
		const error = nodeErrorOf(await runNode(sandbox(), verifyById(requestId, code)));
		expect(error.message).toMatch(/^Agentive Voice API error 500/);
		expect(apiRequests(sandbox())).toHaveLength(1);
	});
});

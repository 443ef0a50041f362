/** Verification › Send Code: the body sent, the output, and the per-number limit as an API error. */
import { apiRequests, jsonOf, nodeErrorOf, onlyBody, runNode, useSandbox } from '../helpers';

const sandbox = useSandbox();

const sendCode = (parameters: Record<string, unknown> = {}) => ({
	resource: 'verification',
	operation: 'sendCode',
	number: '9812345678',
	...parameters,
});

describe('Verification › Send Code', () => {
	it('asks for a generated 4-digit code by default and outputs request_id, expires_in_sec and unique_id', async () => {
		const result = await runNode(sandbox(), sendCode());
		const sentReference = expect.stringMatching(/^n8n-[A-Za-z0-9]{10}-[0-9a-z]+-\d+-\d+$/);
		expect(onlyBody(sandbox(), 'POST', '/otp/send')).toEqual({
			number: '+919812345678',
			length: 4,
			reference_id: sentReference,
		});
		const [json] = jsonOf(result.items);
		expect(json).toEqual({
			status: 'success',
			code: 200,
			unique_id: expect.any(String),
			request_id: json.unique_id,
			reference_id: sentReference,
			details: 'Verification call queued.',
			expires_in_sec: 600,
		});
		const otp = sandbox().control.otp(json.request_id as string);
		expect(otp?.code).toMatch(/^\d{4}$/);
		expect(otp?.message).toBe(
			`Your verification code is ${otp?.code.split('').join(' ')}. Again, ${otp?.code.split('').join(' ')}.`,
		);
	});

	it('sends an own code, message, ttl, max attempts and reference ID (numbers from expressions as strings)', async () => {
		const result = await runNode(
			sandbox(),
			sendCode({
				codeSource: 'custom',
				code: '={{ $json.code }}',
				message: 'Your Acme login code is {code}.',
				referenceId: 'signup-7781',
				additionalFields: { ttl: '={{ $json.ttl }}', maxAttempts: '={{ "5" }}' },
			}),
			{ items: [{ code: '00912345', ttl: '90' }] },
		);
		expect(onlyBody(sandbox(), 'POST', '/otp/send')).toEqual({
			number: '+919812345678',
			code: '00912345',
			message: 'Your Acme login code is {code}.',
			ttl: 90,
			max_attempts: 5,
			reference_id: 'signup-7781',
		});
		expect(result.items[0].json).toMatchObject({ expires_in_sec: 90, reference_id: 'signup-7781' });
	});

	it('too many codes to one number is the API 429 for that number, sent once and not waited on', async () => {
		for (let i = 0; i < 5; i++) await runNode(sandbox(), sendCode());
		sandbox().control.clearLog();
		const error = nodeErrorOf(await runNode(sandbox(), sendCode()));
		expect(error.message).toBe(
			'Agentive Voice API error 429: Too many verification calls to this number. Please wait before sending another code.',
		);
		expect(apiRequests(sandbox())).toHaveLength(1);
	});
});

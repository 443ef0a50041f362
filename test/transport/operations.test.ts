/** The transport's policies as the shipped operations use them (Place Call, Trigger, Send and Verify Code). */
import { apiCredentials, runActionNode } from '../harness/engine';
import { useTransportSandbox } from './probe';

const placeCall = (extra: Record<string, unknown> = {}) => ({
	resource: 'call',
	operation: 'place',
	callType: 'audio_blast',
	number: '={{ $json.number }}',
	audioId: 12,
	referenceId: '={{ $json.ref }}',
	...extra,
});

describe('operations through the transport', () => {
	const sandbox = useTransportSandbox();

	const log = (method: string, path: string) =>
		sandbox()
			.control.requestLog()
			.filter((entry) => entry.method === method && entry.path === path);
	const callsWith = (ref: string) =>
		sandbox()
			.control.calls()
			.filter((call) => call.reference_id === ref);

	it('Place Call: 45 items over three windows, no 429, one call each', async () => {
		const items = Array.from({ length: 45 }, (_, i) => ({
			number: `98123${String(i).padStart(5, '0')}`,
			ref: `batch-${i}`,
		}));
		const result = await runActionNode({
			parameters: placeCall(),
			items,
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(45);
		expect(log('POST', '/calls').filter((entry) => entry.status === 429)).toEqual([]);
		expect(
			new Set(
				sandbox()
					.control.calls()
					.map((call) => call.reference_id),
			).size,
		).toBe(45);
		expect(sandbox().control.calls()).toHaveLength(45);
	});

	it('Place Call: a dropped response is recovered, one call, marked recovered', async () => {
		sandbox().control.injectFault({ kind: 'drop-response', method: 'POST', path: '/calls' });
		const result = await runActionNode({
			parameters: placeCall(),
			items: [{ number: '9812399001', ref: 'op-drop-1' }],
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		expect(callsWith('op-drop-1')).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			recovered: true,
			unique_id: callsWith('op-drop-1')[0].unique_id,
		});
	});

	it('Place Call: a generated reference ID makes a dropped response recoverable too', async () => {
		sandbox().control.injectFault({ kind: 'drop-response', method: 'POST', path: '/calls' });
		const result = await runActionNode({
			parameters: placeCall({ referenceId: '' }),
			items: [{ number: '9812399002' }],
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.recovered).toBe(true);
		expect(String(result.items[0].json.reference_id)).toMatch(/^n8n-/);
		expect(sandbox().control.calls()).toHaveLength(1);
	});

	it('Place Call: a 5xx that placed nothing is retried once the lookup shows no call', async () => {
		sandbox().control.injectFault({ kind: 'status500', method: 'POST', path: '/calls' });
		const result = await runActionNode({
			parameters: placeCall(),
			items: [{ number: '9812399003', ref: 'op-500-1' }],
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		expect(callsWith('op-500-1')).toHaveLength(1);
		expect(log('POST', '/calls').map((entry) => entry.status)).toEqual([500, 200]);
	});

	it('Place Call without any reference ID: an unknown outcome is not retried', async () => {
		sandbox().control.injectFault({ kind: 'reset', method: 'POST', path: '/calls' });
		const result = await runActionNode({
			parameters: placeCall({ referenceId: '', options: { generateReferenceId: false } }),
			items: [{ number: '9812399004' }],
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/may or may not have been placed/);
		expect(log('POST', '/calls')).toHaveLength(1);
	});

	it('Trigger Campaign: a dropped response is recovered, one call', async () => {
		sandbox().control.injectFault({
			kind: 'drop-response',
			method: 'POST',
			path: '/campaigns/57/trigger',
		});
		const result = await runActionNode({
			parameters: {
				resource: 'campaign',
				operation: 'trigger',
				campaign: { __rl: true, mode: 'id', value: '57' },
				number: '9812399005',
				referenceId: 'op-lead-1',
			},
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.recovered).toBe(true);
		expect(callsWith('op-lead-1')).toHaveLength(1);
	});

	it('Verify Code: a 503 is not retried, one verify request, the item fails', async () => {
		sandbox().control.injectFault({ kind: 'status503', method: 'POST', path: '/otp/verify' });
		const result = await runActionNode({
			parameters: {
				resource: 'verification',
				operation: 'verifyCode',
				verifyBy: 'number',
				number: '9812399006',
				code: '1234',
			},
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/503/);
		expect(log('POST', '/otp/verify')).toHaveLength(1);
	});

	it('Send Code: a lost response is not sent again', async () => {
		sandbox().control.injectFault({ kind: 'drop-response', method: 'POST', path: '/otp/send' });
		const result = await runActionNode({
			parameters: { resource: 'verification', operation: 'sendCode', number: '9812399007' },
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/may have been processed/);
		expect(log('POST', '/otp/send')).toHaveLength(1);
	});
});

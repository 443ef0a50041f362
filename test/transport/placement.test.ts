import { MAGIC_NUMBERS } from '../../sandbox';
import type { ApiRequest } from '../../nodes/shared/transport';
import { apiCredentials } from '../harness/engine';
import { useSandbox } from '../harness/sandbox';
import { runProbe, useTransportSandbox } from './probe';

/** A Place Call request as the operation sends it, with the placement policy. */
function placeCall(number: string, referenceId?: string): Partial<ApiRequest> {
	return {
		method: 'POST',
		path: '/calls',
		body: {
			type: 'audio_blast',
			number,
			audio_id: 12,
			...(referenceId ? { reference_id: referenceId } : {}),
		},
		retry: 'placement',
		placement: { number, referenceId },
	};
}

describe('call placement is never retried blindly', () => {
	const sandbox = useTransportSandbox();

	const callsWith = (referenceId: string) =>
		sandbox()
			.control.calls()
			.filter((call) => call.reference_id === referenceId);
	const log = (method: string, path: string) =>
		sandbox()
			.control.requestLog()
			.filter((entry) => entry.method === method && entry.path === path);

	it('performed but response dropped: one call, returned as recovered', async () => {
		sandbox().control.injectFault({ kind: 'drop-response', method: 'POST', path: '/calls' });
		const result = await runProbe({
			request: placeCall('9812345001', 'order-drop-1'),
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		const calls = callsWith('order-drop-1');
		expect(calls).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			status: 'success',
			recovered: true,
			unique_id: calls[0].unique_id,
			reference_id: 'order-drop-1',
		});
		expect(log('POST', '/calls')).toHaveLength(1);
		// The lookup read the call log for this number, in the window since the first attempt.
		const lookup = log('GET', '/calls')[0];
		expect(lookup.query).toMatchObject({ number: '9812345001', page: '1', per_page: '100' });
		expect(Date.parse(lookup.query.from)).toBeLessThan(Date.parse(lookup.query.to));
	});

	it('a 5xx that placed nothing: looked up, placed again, exactly one call', async () => {
		sandbox().control.injectFault({ kind: 'status503', method: 'POST', path: '/calls' });
		const result = await runProbe({
			request: placeCall('9812345002', 'order-503-1'),
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		expect(callsWith('order-503-1')).toHaveLength(1);
		expect(result.items[0].json.recovered).toBeUndefined();
		expect(result.items[0].json.unique_id).toBe(callsWith('order-503-1')[0].unique_id);
		expect(
			sandbox()
				.control.requestLog()
				.map((entry) => `${entry.method} ${entry.path} ${entry.status}`),
		).toEqual(['POST /calls 503', 'GET /calls 200', 'POST /calls 200']);
	});

	it('a timeout that placed nothing: looked up after a pause, placed again once', async () => {
		sandbox().control.injectFault({ kind: 'hang', method: 'POST', path: '/calls' });
		const result = await runProbe({
			request: { ...placeCall('9812345003', 'order-hang-1'), timeoutMs: 300 },
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		expect(callsWith('order-hang-1')).toHaveLength(1);
		expect(log('POST', '/calls')).toHaveLength(2);
	});

	it('a hung placement whose lookups hang too honours the Timeout and ends "outcome unknown"', async () => {
		// Each attempt and lookup must give up after Timeout (1 s), not the 30 s default: four
		// lookups (a read's attempts) at 30 s would overrun this test's own time limit.
		sandbox().control.injectFault({ kind: 'hang', method: 'POST', path: '/calls' });
		sandbox().control.injectFault({ kind: 'hang', method: 'GET', path: '/calls', count: 4 });
		const result = await runProbe({
			request: { ...placeCall('9812345007', 'order-hang-2'), timeoutMs: 1000 },
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(
			/^Call placement outcome unknown for reference_id "order-hang-2" \(no response in time; lookup: /,
		);
		expect(log('POST', '/calls').map((entry) => entry.status)).toEqual([0]);
		// Four lookups (one read and its retries), all unanswered; never a second placement.
		expect(log('GET', '/calls').map((entry) => entry.status)).toEqual([0, 0, 0, 0]);
		expect(log('GET', '/calls').every((entry) => entry.query.number === '9812345007')).toBe(true);
	}, 20_000);

	it('an outcome the lookup cannot settle fails the item, naming the reference_id', async () => {
		sandbox().control.injectFault({ kind: 'drop-response', method: 'POST', path: '/calls' });
		sandbox().control.injectFault({ kind: 'status503', method: 'GET', path: '/calls', count: 10 });
		const result = await runProbe({
			request: placeCall('9812345004', 'order-unknown-1'),
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(
			/outcome unknown for reference_id "order-unknown-1"/,
		);
		expect(result.items[0].json.description).toMatch(/order-unknown-1/);
		expect(log('POST', '/calls')).toHaveLength(1);
		expect(callsWith('order-unknown-1')).toHaveLength(1);
	});

	it('without a reference_id an unknown outcome is never retried', async () => {
		sandbox().control.injectFault({ kind: 'drop-response', method: 'POST', path: '/calls' });
		const result = await runProbe({
			request: placeCall('9812345005'),
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/may or may not have been placed/);
		expect(result.items[0].json.description).toMatch(/Generate Reference ID If Empty/);
		expect(log('POST', '/calls')).toHaveLength(1);
		expect(log('GET', '/calls')).toHaveLength(0);
	});

	it('gives up after three attempts when the API keeps failing, and none was placed', async () => {
		const result = await runProbe({
			request: placeCall(MAGIC_NUMBERS.placementError, 'order-fail-1'),
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(
			/after 3 attempts.*Could not place the call right now/,
		);
		expect(result.items[0].json.description).toMatch(/order-fail-1/);
		expect(log('POST', '/calls')).toHaveLength(3);
		expect(log('GET', '/calls')).toHaveLength(3);
		expect(callsWith('order-fail-1')).toHaveLength(0);
	});

	it('a definite 4xx is returned as the error, without a lookup', async () => {
		const result = await runProbe({
			request: placeCall('12345', 'order-bad-1'),
			credentials: apiCredentials(sandbox()),
			continueOnFail: true,
		});
		expect(result.items[0].json.httpCode).toBe('400');
		expect(log('POST', '/calls')).toHaveLength(1);
		expect(log('GET', '/calls')).toHaveLength(0);
	});

	it('campaign trigger: a dropped response is recovered the same way', async () => {
		sandbox().control.injectFault({
			kind: 'drop-response',
			method: 'POST',
			path: '/campaigns/57/trigger',
		});
		const result = await runProbe({
			request: {
				method: 'POST',
				path: '/campaigns/57/trigger',
				body: { number: '9812345006', reference_id: 'lead-drop-1' },
				retry: 'placement',
				placement: { number: '9812345006', referenceId: 'lead-drop-1' },
			},
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		expect(callsWith('lead-drop-1')).toHaveLength(1);
		expect(result.items[0].json.recovered).toBe(true);
	});
});

/** The API's clock (the sandbox's manual clock) is far from the host's: the lookup must not care. */
describe('placement lookup with the API clock far from the host clock', () => {
	const API_START_MS = Date.parse('2026-01-01T00:00:00Z');
	const sandbox = useSandbox({
		clock: { mode: 'manual', startMs: API_START_MS },
		rateLimit: false,
	});

	const callsWith = (referenceId: string) =>
		sandbox()
			.control.calls()
			.filter((call) => call.reference_id === referenceId);

	it('a dropped response is recovered by the lookup, not placed a second time', async () => {
		expect(Math.abs(Date.now() - sandbox().control.now())).toBeGreaterThan(24 * 3600_000);
		sandbox().control.injectFault({ kind: 'drop-response', method: 'POST', path: '/calls' });
		const result = await runProbe({
			request: placeCall('9812345101', 'skew-drop-1'),
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		const calls = callsWith('skew-drop-1');
		expect(calls).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ recovered: true, unique_id: calls[0].unique_id });
		expect(
			sandbox()
				.control.requestLog()
				.filter((entry) => entry.method === 'POST'),
		).toHaveLength(1);
	});

	it('an earlier call that reused the reference_id is not taken for this one once newer calls exist', async () => {
		const earlier = await runProbe({
			request: placeCall('9812345102', 'skew-reused-1'),
			credentials: apiCredentials(sandbox()),
		});
		sandbox().control.advanceClock(3600_000);
		await runProbe({
			request: placeCall('9812345102', 'skew-other-1'),
			credentials: apiCredentials(sandbox()),
		});
		// Now a placement with the reused reference_id fails with a 503 that placed nothing.
		sandbox().control.injectFault({ kind: 'status503', method: 'POST', path: '/calls' });
		const result = await runProbe({
			request: placeCall('9812345102', 'skew-reused-1'),
			credentials: apiCredentials(sandbox()),
		});
		expect(result.error).toBeUndefined();
		const calls = callsWith('skew-reused-1');
		expect(calls).toHaveLength(2);
		expect(result.items[0].json.recovered).toBeUndefined();
		expect(result.items[0].json.unique_id).not.toBe(earlier.items[0].json.unique_id);
		expect(result.items[0].json.unique_id).toBe(
			calls.find((call) => call.unique_id !== earlier.items[0].json.unique_id)?.unique_id,
		);
	});
});

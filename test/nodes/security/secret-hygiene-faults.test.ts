/**
 * Secret hygiene, transport faults: every operation meets a 5xx, a reset connection, an HTML
 * gateway page, a dropped response and a server that never answers (small Timeout option). The
 * secret appears nowhere. All requests fail, so the transport's retries and lookups fail too.
 */
import { startSandbox, type FaultKind, type RunningSandbox } from '../../../sandbox';
import {
	captureConsole,
	errorText,
	expectFailedWithoutSecrets,
	failListSearch,
	OPERATIONS,
	runBothWays,
} from './hygiene';

const FAULTS: FaultKind[] = ['status500', 'status503', 'reset', 'html', 'drop-response'];

async function faultySandbox(
	fault: Parameters<RunningSandbox['control']['injectFault']>[0],
): Promise<RunningSandbox> {
	const sandbox = await startSandbox({ port: 0, clock: { mode: 'manual' }, rateLimit: false });
	sandbox.control.injectFault({ count: 100_000, ...fault });
	return sandbox;
}

describe.each(FAULTS)('secret hygiene: every request meets %s', (kind) => {
	let sandbox: RunningSandbox;
	beforeAll(async () => {
		sandbox = await faultySandbox({ kind });
	});
	afterAll(async () => sandbox.close());

	it('every operation fails without the secret in output, error, run data or logs', async () => {
		const { result: outcomes, output } = await captureConsole(() =>
			Promise.all(
				OPERATIONS.map(({ name, parameters }) => runBothWays(sandbox, sandbox, name, parameters)),
			),
		);
		for (const outcome of outcomes) expectFailedWithoutSecrets(outcome, [sandbox.apiSecret]);
		expect(output.includes(sandbox.apiSecret)).toBe(false);
		expect(sandbox.control.requestLog().length).toBeGreaterThanOrEqual(OPERATIONS.length * 2);
	});

	it('the Campaign dropdown fails without the secret', async () => {
		const error = await failListSearch(sandbox);
		expect(error).toBeDefined();
		expect(errorText(error).includes(sandbox.apiSecret)).toBe(false);
	});
});

describe('secret hygiene: the server never answers (Timeout option 2 s)', () => {
	// Placement recovery looks the call up in List calls with the transport's default 30 s timeout,
	// so for the placing operations only the POST hangs and the lookups answer (nothing placed).
	let hangAll: RunningSandbox;
	let hangPost: RunningSandbox;
	beforeAll(async () => {
		hangAll = await faultySandbox({ kind: 'hang' });
		hangPost = await faultySandbox({ kind: 'hang', method: 'POST' });
	});
	afterAll(async () => {
		await hangAll.close();
		await hangPost.close();
	});

	it('every operation times out without the secret in output, error, run data or logs', async () => {
		const { result: outcomes, output } = await captureConsole(() =>
			Promise.all(
				OPERATIONS.map(({ name, parameters, recovers }) => {
					const sandbox = recovers ? hangPost : hangAll;
					return runBothWays(sandbox, sandbox, name, parameters);
				}),
			),
		);
		for (const outcome of outcomes) {
			expectFailedWithoutSecrets(outcome, [hangAll.apiSecret]);
			expect(errorText(outcome.stopped.nodeError)).toMatch(/no response in time/);
		}
		expect(output.includes(hangAll.apiSecret)).toBe(false);
	});
});

/**
 * Secret hygiene, API answers: every operation refused by the API (its own 4xx), by an unknown
 * key (401), a wrong secret (403) or an inactive account (403). The secret appears nowhere.
 */
import { INACTIVE_ACCOUNT } from '../../../sandbox';
import { useSandbox } from '../helpers';
import {
	captureConsole,
	errorText,
	expectFailedWithoutSecrets,
	failListSearch,
	OPERATIONS,
	runBothWays,
	type Credentials,
} from './hygiene';

const sandbox = useSandbox();

const WRONG_SECRET = 'sk_live_wrongsecret0000000000000000000099';

const MODES: Array<{ mode: string; credentials: () => Credentials; secrets: () => string[] }> = [
	{
		mode: 'unknown publishable key (401)',
		credentials: () => ({ ...sandbox(), apiKey: 'pk_live_unknown00000000000000000000000099' }),
		secrets: () => [sandbox().apiSecret],
	},
	{
		mode: 'wrong secret (403)',
		credentials: () => ({ ...sandbox(), apiSecret: WRONG_SECRET }),
		secrets: () => [WRONG_SECRET, sandbox().apiSecret],
	},
	{
		mode: 'inactive account (403)',
		credentials: () => ({
			url: sandbox().url,
			apiKey: INACTIVE_ACCOUNT.apiKey,
			apiSecret: INACTIVE_ACCOUNT.apiSecret,
		}),
		secrets: () => [INACTIVE_ACCOUNT.apiSecret],
	},
];

describe.each(MODES)('secret hygiene: $mode', ({ credentials, secrets }) => {
	it('every operation fails without the secret in output, error, run data or logs', async () => {
		const { result: outcomes, output } = await captureConsole(() =>
			Promise.all(
				OPERATIONS.map(({ name, parameters }) =>
					runBothWays(sandbox(), credentials(), name, parameters),
				),
			),
		);
		for (const outcome of outcomes) {
			expectFailedWithoutSecrets(outcome, secrets());
			expect(String((outcome.stopped.nodeError as Error).message)).toMatch(
				/^Agentive Voice API error 40[13]: /,
			);
		}
		for (const secret of secrets()) expect(output.includes(secret)).toBe(false);
	});

	it('the Campaign dropdown fails without the secret', async () => {
		const error = await failListSearch(credentials());
		expect(error).toBeDefined();
		for (const secret of secrets()) expect(errorText(error).includes(secret)).toBe(false);
	});
});

describe('secret hygiene: each operation refused by the API with its own 4xx', () => {
	it('fails without the secret anywhere', async () => {
		const refusable = OPERATIONS.filter((operation) => operation.failing);
		expect(refusable.length).toBeGreaterThanOrEqual(6);
		const { result: outcomes, output } = await captureConsole(() =>
			Promise.all(
				refusable.map(({ name, parameters, failing }) =>
					runBothWays(sandbox(), sandbox(), name, { ...parameters, ...failing }),
				),
			),
		);
		for (const outcome of outcomes) {
			expectFailedWithoutSecrets(outcome, [sandbox().apiSecret]);
			expect(String((outcome.stopped.nodeError as Error).message)).toMatch(
				/^Agentive Voice API error 4\d\d: /,
			);
		}
		expect(output.includes(sandbox().apiSecret)).toBe(false);
	});
});

/**
 * Shared by the secret-hygiene suites: every operation of the node, and the checks that a secret
 * appears nowhere a user, a log or a stored execution could show it.
 */
import type { IDataObject } from 'n8n-workflow';

import type { RunningSandbox } from '../../../sandbox';
import { DEMO } from '../../../sandbox';
import type { NodeRunResult } from '../../harness/engine';
import { listSearch } from '../load-options';
import { runNode } from '../helpers';

/** A timeout small enough that a hanging server fails the test fast. */
const options = { timeoutMs: 2000, maxRateLimitWaitSec: 0 };

/** Every operation, with parameters that pass validation. `failing` makes the API itself refuse it (4xx). */
export const OPERATIONS: Array<{
	name: string;
	parameters: IDataObject;
	failing?: IDataObject;
	recovers?: boolean;
}> = [
	{
		name: 'Call › Place (audio blast, recovery on)',
		recovers: true,
		parameters: {
			resource: 'call',
			operation: 'place',
			callType: 'audio_blast',
			number: '9812345678',
			audioId: 12,
			options,
		},
		failing: { audioId: 999 },
	},
	{
		name: 'Call › Place (press 1, no reference ID)',
		parameters: {
			resource: 'call',
			operation: 'place',
			callType: 'press1',
			number: '9812345678',
			audioId: 18,
			options: { ...options, generateReferenceId: false },
		},
		failing: { additionalFields: { callerId: '02212345678' } },
	},
	{
		name: 'Call › Place (otp)',
		parameters: {
			resource: 'call',
			operation: 'place',
			callType: 'otp',
			number: '9812345678',
			options,
		},
		failing: { additionalFields: { callerId: '02212345678' } },
	},
	{
		name: 'Call › Get Status',
		parameters: { resource: 'call', operation: 'getStatus', uniqueId: 'run_1', options },
		failing: { uniqueId: 'run_999999' },
	},
	{
		name: 'Call › Get Many',
		parameters: { resource: 'call', operation: 'getMany', returnAll: true, options },
	},
	{
		name: 'Call › Download Recording',
		parameters: { resource: 'call', operation: 'downloadRecording', uniqueId: 'run_1', options },
		failing: { uniqueId: 'run_999999' },
	},
	{
		name: 'Campaign › Trigger',
		recovers: true,
		parameters: {
			resource: 'campaign',
			operation: 'trigger',
			campaign: { __rl: true, mode: 'id', value: '57' },
			number: '9812345678',
			options,
		},
		failing: { campaign: { __rl: true, mode: 'id', value: String(DEMO.campaigns.otp) } },
	},
	{
		name: 'Campaign › Get Many',
		parameters: { resource: 'campaign', operation: 'getMany', returnAll: true, options },
	},
	{
		name: 'Verification › Send Code',
		// No `failing`: the node checks every field the API would refuse before sending; its 4xx
		// (auth rows, per-number 429) are covered by the other hygiene suites.
		parameters: { resource: 'verification', operation: 'sendCode', number: '9812345678', options },
	},
	{
		name: 'Verification › Verify Code',
		parameters: {
			resource: 'verification',
			operation: 'verifyCode',
			verifyBy: 'number',
			number: '9812345678',
			code: '1234',
			options,
		},
	},
	{
		name: 'Account › Get Balance',
		parameters: { resource: 'account', operation: 'getBalance', options },
	},
];

export interface Credentials {
	url: string;
	apiKey: string;
	apiSecret: string;
}

export interface Outcome {
	name: string;
	/** Everything the run could show: output items, the error, the stored run data. */
	stopped: NodeRunResult;
	continued: NodeRunResult;
}

/** Runs an operation twice: stopping on the error, and with continueOnFail (an error item). */
export async function runBothWays(
	sandbox: RunningSandbox,
	credentials: Credentials,
	name: string,
	parameters: IDataObject,
): Promise<Outcome> {
	const [stopped, continued] = await Promise.all([
		runNode(sandbox, parameters, { credentials }),
		runNode(sandbox, parameters, { credentials, continueOnFail: true }),
	]);
	return { name, stopped, continued };
}

/** The listSearch path (the editor's Campaign dropdown); returns its error. */
export async function failListSearch(credentials: Credentials): Promise<unknown> {
	return await listSearch(credentials, 'searchTriggerableCampaigns', {
		resource: 'campaign',
		operation: 'trigger',
	}).then(
		() => undefined,
		(error: unknown) => error,
	);
}

/** Every text field of an error, and the error serialised, as one string to search. */
export function errorText(error: unknown): string {
	if (!error || typeof error !== 'object') return String(error);
	const { message, description, context, stack } = error as {
		message?: unknown;
		description?: unknown;
		context?: unknown;
		stack?: unknown;
	};
	return [
		JSON.stringify(error),
		String(message),
		String(description),
		JSON.stringify(context ?? {}),
		String(stack),
	].join('\n');
}

/** Asserts the run failed (both ways) and that no secret appears anywhere in it. */
export function expectFailedWithoutSecrets(outcome: Outcome, secrets: string[]): void {
	const { stopped, continued } = outcome;
	const error = stopped.nodeError ?? stopped.error;
	expect({ operation: outcome.name, failed: error !== undefined }).toEqual({
		operation: outcome.name,
		failed: true,
	});
	expect({
		operation: outcome.name,
		errorItem: continued.items.some((item) => typeof item.json.error === 'string'),
	}).toEqual({
		operation: outcome.name,
		errorItem: true,
	});
	const haystacks = {
		error: errorText(error),
		errorItems: JSON.stringify(continued.items),
		runStopped: JSON.stringify(stopped.run),
		runContinued: JSON.stringify(continued.run),
	};
	for (const secret of secrets) {
		for (const [where, text] of Object.entries(haystacks)) {
			expect({ operation: outcome.name, where, leaks: text.includes(secret) }).toEqual({
				operation: outcome.name,
				where,
				leaks: false,
			});
		}
	}
}

/** Collects everything written to the console (n8n's logger writes there) while `run` runs. */
export async function captureConsole<T>(
	run: () => Promise<T>,
): Promise<{ result: T; output: string }> {
	const lines: string[] = [];
	const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
	const spies = methods.map((method) =>
		jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			lines.push(
				args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '),
			);
		}),
	);
	try {
		const result = await run();
		return { result, output: lines.join('\n') };
	} finally {
		for (const spy of spies) spy.mockRestore();
	}
}

/**
 * Issue 26: property-based fuzz of every operation's fields (fast-check), run through n8n's engine
 * against the sandbox. For every generated item:
 * - alone, in stop mode: either a NodeOperationError that names one of the operation's fields and
 *   0 requests reached the sandbox, or requests the sandbox accepted: no 400 about a field's format
 *   (only the API's own state answers: unknown audio, wrong code, …);
 * - between two good items, with continue-on-fail: the good items succeed, every output keeps its
 *   pairedItem, and the fuzzed item ends as it did alone;
 * - the secret appears nowhere in either run's data (output, errors, execution data).
 * Fixed seed and few runs here (npm test); `npm run fuzz -- --seed=N --runs=M` sweeps longer.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { DEMO_ACCOUNT, type RunningSandbox } from '../../sandbox';
import { FIELD_MESSAGES } from '../../sandbox/routes/fields';
import { CAMPAIGN_MESSAGES } from '../../sandbox/routes/campaigns';
import { OTP_MESSAGES } from '../../sandbox/routes/otp';
import type { NodeRunResult } from '../harness/engine';
import { runNode, useSandbox } from '../nodes/helpers';
import { goodItem, itemArbitrary, OPERATIONS, type Operation } from './fields';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_604);
const RUNS = Number(process.env.FUZZ_RUNS ?? 6);

const sandbox = useSandbox({ otpNumberLimit: false });
const tally = { refused: 0, sent: 0 };

/** 400s that answer the account's state, not a field's format: a request the spec accepts. */
const STATE_ANSWERS = [
	FIELD_MESSAGES.audioUnknown,
	FIELD_MESSAGES.callerIdUnverified,
	CAMPAIGN_MESSAGES.otp,
	CAMPAIGN_MESSAGES.notSingleNumber,
	CAMPAIGN_MESSAGES.noAudio,
	OTP_MESSAGES.incorrect,
	OTP_MESSAGES.expired,
	OTP_MESSAGES.locked,
	OTP_MESSAGES.used,
	OTP_MESSAGES.failed,
];

/** Field names as errors show them: "Invalid Options › Timeout (ms) 0: …" or "Number: the expression failed: …". */
const REFUSAL =
	/^(?:Invalid (.+?) (?:\(empty\)|"|-?\d|\[|\{|true|false|null)|(.+?): the expression failed: )/;

interface Outcome {
	/** The error message of the item, or undefined when it succeeded. */
	error?: string;
	refusedField?: string;
}

function secretFree(result: NodeRunResult): void {
	expect(JSON.stringify(result.run)).not.toContain(DEMO_ACCOUNT.apiSecret);
}

/** Before each property run: a clean sandbox with a finished call and a pending OTP for the good items. */
async function prepare(box: RunningSandbox): Promise<IDataObject> {
	box.control.reset();
	const [call] = box.control.seedCalls([
		{ status: 'completed', duration_sec: 30, number: '9812345601', direction: 'outbound' },
	]);
	const sent = await fetch(`${box.url}/otp/send`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'x-api-key': box.apiKey,
			'x-api-secret': box.apiSecret,
		},
		body: JSON.stringify({ number: '9812345699', code: '1234' }),
	});
	const { request_id: requestId } = (await sent.json()) as { request_id: string };
	box.control.clearLog();
	return { id: call.unique_id, request: requestId };
}

function outcomeOf(result: NodeRunResult): Outcome {
	const error = result.nodeError as { message?: string } | undefined;
	if (!error) return {};
	const match = REFUSAL.exec(error.message ?? '');
	return { error: error.message, refusedField: match?.[1] ?? match?.[2] };
}

async function check(operation: Operation, fuzzed: IDataObject): Promise<void> {
	const box = sandbox();
	const state = await prepare(box);
	const fields = operation.fields.map((field) => field.key);
	const withState = (item: IDataObject): IDataObject => ({
		...item,
		...Object.fromEntries(Object.entries(state).filter(([key]) => fields.includes(key))),
	});
	const parameters = operation.parameters((key) => `={{ $json.${key} }}`);

	// Alone, stop mode.
	const alone = await runNode(box, parameters, { items: [fuzzed] });
	secretFree(alone);
	const outcome = outcomeOf(alone);
	const requests = box.control.requestLog();
	if (outcome.refusedField !== undefined) {
		expect((alone.nodeError as { name?: string }).name).toBe('NodeOperationError');
		expect(requests).toEqual([]);
	} else {
		// Sent: the sandbox must not have refused a field's format.
		expect(requests.length).toBeGreaterThan(0);
		const text = JSON.stringify([alone.items, alone.nodeError ?? null]);
		if (requests.some((request) => request.status === 400)) {
			expect(STATE_ANSWERS.filter((answer) => text.includes(answer))).not.toEqual([]);
		}
		if (outcome.error !== undefined) expect(outcome.error).toMatch(/^Agentive Voice API error /);
		// What was sent is what the user meant: a field sent only from a documented form.
		for (const field of operation.fields) {
			if (field.documented && fuzzed[field.key] !== field.good) {
				expect({
					[field.key]: fuzzed[field.key],
					documented: field.documented(fuzzed[field.key]),
				}).toEqual({
					[field.key]: fuzzed[field.key],
					documented: true,
				});
			}
		}
	}
	tally[outcome.refusedField === undefined ? 'sent' : 'refused'] += 1;

	// Between two good items, continue-on-fail.
	await prepare(box).then((fresh) => Object.assign(state, fresh));
	const items = [withState(goodItem(operation, 0)), fuzzed, withState(goodItem(operation, 2))];
	const between = await runNode(box, parameters, { items, continueOnFail: true });
	secretFree(between);
	expect(between.nodeError).toBeUndefined();
	for (const item of between.items) expect(item.pairedItem).toEqual({ item: expect.any(Number) });
	const byItem = (index: number) =>
		between.items.filter((item) => (item.pairedItem as { item: number }).item === index);
	for (const index of [0, 2]) {
		expect(byItem(index).length).toBeGreaterThan(0);
		for (const item of byItem(index)) expect(item.json.error).toBeUndefined();
	}
	const middle = byItem(1);
	if (outcome.refusedField !== undefined) {
		expect(middle.map((item) => item.json.error)).toEqual([outcome.error]);
	}
}

describe('fuzz: every operation refuses bad input before any request, or sends what the API accepts', () => {
	it.each(OPERATIONS.map((operation) => [operation.name, operation] as const))(
		'%s',
		async (_name, operation) => {
			await fc.assert(
				fc.asyncProperty(itemArbitrary(operation), async (fuzzed) => {
					await check(operation, fuzzed);
				}),
				{ seed: SEED, numRuns: RUNS, endOnFailure: true },
			);
		},
	);

	it('reached both outcomes: refused before any request, and sent', () => {
		expect(tally.refused).toBeGreaterThan(0);
		expect(tally.sent).toBeGreaterThan(0);
		console.log(`fuzz seed=${SEED} runs=${RUNS}: ${tally.refused} refused, ${tally.sent} sent`);
	});
});

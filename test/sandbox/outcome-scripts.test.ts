/**
 * Scripted outcomes (POST /__sandbox/outcomes): the next calls to a number end as the script says, one
 * outcome per placed call, then the number is back to its usual outcome. This is how a test makes a
 * number "not answer the first call and answer the second" for the redial example.
 */
import { MAGIC_NUMBERS, OTHER_ACCOUNT, TIMINGS } from '../../sandbox';
import { expectError, get, post, send, useSandbox } from './helpers';

const sandbox = useSandbox();

const ORDINARY = '9812345678'; // answers for 10 + 5678 mod 50 = 38 s
const TEN_MINUTES = 10 * 60_000;

async function place(number: string, body: Record<string, unknown> = {}): Promise<string> {
	const reply = await post(sandbox(), '/calls', {
		type: 'audio_blast',
		number,
		audio_id: 12,
		...body,
	});
	expect(reply.status).toBe(200);
	return String(reply.json.unique_id);
}

function outcomeOf(id: string): [unknown, unknown, unknown] {
	const call = sandbox()
		.control.calls()
		.find((c) => c.unique_id === id);
	return [call?.status, call?.end_reason, call?.duration_sec];
}

const script = (number: string, outcomes: unknown) =>
	post(sandbox(), '/__sandbox/outcomes', { number, outcomes });

describe('scripted outcomes', () => {
	it('no answer on the first call, answered on the second, then the number’s usual outcome', async () => {
		const set = await script(ORDINARY, ['no_answer', 'answered']);
		expect(set.status).toBe(200);
		expect(set.json.data).toEqual([
			{ number: '+919812345678', remaining: ['no_answer', 'answered'], placed: 0 },
		]);

		// Any documented form of the number uses the same script.
		const first = await place('+919812345678');
		const second = await place('919812345678');
		const third = await place(ORDINARY);
		sandbox().control.advanceClock(TEN_MINUTES);

		expect(outcomeOf(first)).toEqual(['missed', 'no_answer', 0]);
		expect(outcomeOf(second)).toEqual(['completed', 'completed', 38]);
		expect(outcomeOf(third)).toEqual(['completed', 'completed', 38]);
		expect((await get(sandbox(), '/__sandbox/outcomes')).json.data).toEqual([
			{ number: '+919812345678', remaining: [], placed: 2 },
		]);
	});

	it('a magic number that never answers answers on the attempt the script says', async () => {
		sandbox().control.scriptOutcomes(MAGIC_NUMBERS.noAnswer, [
			'no_answer',
			'no_answer',
			'answered',
		]);
		const ids = [];
		for (let i = 0; i < 4; i++) ids.push(await place(MAGIC_NUMBERS.noAnswer));
		sandbox().control.advanceClock(TEN_MINUTES);
		// 10 + 0002 mod 50 = 12 s of talk on the third call; the fourth is back to "no answer".
		expect(ids.map(outcomeOf)).toEqual([
			['missed', 'no_answer', 0],
			['missed', 'no_answer', 0],
			['completed', 'completed', 12],
			['missed', 'no_answer', 0],
		]);
	});

	it('every outcome ends with the status, end reason and timing of the magic number with that result', async () => {
		const cases: Array<[string, string, string, number]> = [
			['no_answer', 'missed', 'no_answer', TIMINGS.noAnswerAfterMs],
			['busy', 'failed', 'busy', TIMINGS.busyAfterMs],
			['rejected', 'failed', 'rejected', TIMINGS.rejectedAfterMs],
			['failed', 'failed', 'failed', TIMINGS.failedAfterMs],
			['canceled', 'failed', 'canceled', TIMINGS.canceledAfterMs],
			['answered', 'completed', 'completed', TIMINGS.answerAfterMs + 38_000],
		];
		for (const [outcome, status, endReason, endsAfterMs] of cases) {
			sandbox().control.reset();
			sandbox().control.scriptOutcomes(ORDINARY, [outcome as 'busy']);
			const id = await place(ORDINARY);
			sandbox().control.advanceClock(endsAfterMs - 1);
			expect([outcome, outcomeOf(id)[0]]).toEqual([
				outcome,
				expect.not.stringMatching(/^(completed|missed|failed)$/),
			]);
			sandbox().control.advanceClock(1);
			expect([outcome, ...outcomeOf(id)]).toEqual([
				outcome,
				status,
				endReason,
				status === 'completed' ? 38 : 0,
			]);
		}
	});

	it('an answered script keeps a number’s own talk time and recording, and can make 9000000006 connect', async () => {
		sandbox().control.scriptOutcomes(MAGIC_NUMBERS.longCall, ['answered']);
		sandbox().control.scriptOutcomes(MAGIC_NUMBERS.placementError, ['busy']);
		const long = await place(MAGIC_NUMBERS.longCall);
		const placed = await place(MAGIC_NUMBERS.placementError);
		sandbox().control.advanceClock(TEN_MINUTES);
		expect(outcomeOf(long)).toEqual(['completed', 'completed', 300]);
		expect((await get(sandbox(), `/calls/${long}/recording`)).status).toBe(200);
		expect(outcomeOf(placed)).toEqual(['failed', 'busy', 0]);
		// Used up: the usual 503 again, and no call is created.
		expectError(
			await post(sandbox(), '/calls', {
				type: 'audio_blast',
				number: MAGIC_NUMBERS.placementError,
				audio_id: 12,
			}),
			503,
		);
	});

	it('campaign triggers and verification calls use the script too', async () => {
		sandbox().control.scriptOutcomes(ORDINARY, ['busy', 'no_answer']);
		const triggered = await post(sandbox(), '/campaigns/57/trigger', { number: ORDINARY });
		expect(triggered.status).toBe(200);
		const sent = await post(sandbox(), '/otp/send', { number: ORDINARY });
		expect(sent.status).toBe(200);
		sandbox().control.advanceClock(TEN_MINUTES);
		expect(outcomeOf(String(triggered.json.unique_id))).toEqual(['failed', 'busy', 0]);
		expect(outcomeOf(String(sent.json.request_id))).toEqual(['missed', 'no_answer', 0]);
		const otp = await get(sandbox(), `/__sandbox/otp/${String(sent.json.request_id)}`);
		expect(otp.json.status).toBe('failed');
	});

	it('a request refused before a call exists uses no entry (bad input, an armed fault)', async () => {
		sandbox().control.scriptOutcomes(ORDINARY, ['no_answer']);
		expectError(
			await post(sandbox(), '/calls', { type: 'audio_blast', number: ORDINARY, audio_id: 31 }),
			400,
		);
		sandbox().control.injectFault({ kind: 'status503', number: ORDINARY });
		expectError(
			await post(sandbox(), '/calls', { type: 'audio_blast', number: ORDINARY, audio_id: 12 }),
			503,
		);
		expect(sandbox().control.outcomeScripts()).toEqual([
			{ number: '+919812345678', remaining: ['no_answer'], placed: 0 },
		]);
		const id = await place(ORDINARY);
		sandbox().control.advanceClock(TEN_MINUTES);
		expect(outcomeOf(id)).toEqual(['missed', 'no_answer', 0]);
	});

	it('belongs to the demo account: the other tenant’s calls to the number are not scripted', async () => {
		sandbox().control.scriptOutcomes(ORDINARY, ['rejected']);
		const other = await send(sandbox(), 'POST', '/calls', {
			body: { type: 'audio_blast', number: ORDINARY, audio_id: 31 },
			auth: { key: OTHER_ACCOUNT.apiKey, secret: OTHER_ACCOUNT.apiSecret },
		});
		expect(other.status).toBe(200);
		expect(sandbox().control.outcomeScripts()[0].remaining).toEqual(['rejected']);
	});

	it('a new script replaces the old one, [] removes it, DELETE and reset clear them all', async () => {
		await script(ORDINARY, ['busy']);
		await script(ORDINARY, ['rejected', 'answered']);
		await script('9812345679', ['failed']);
		expect((await get(sandbox(), '/__sandbox/outcomes')).json.data).toEqual([
			{ number: '+919812345678', remaining: ['rejected', 'answered'], placed: 0 },
			{ number: '+919812345679', remaining: ['failed'], placed: 0 },
		]);
		expect((await script('9812345679', [])).json.data).toEqual([
			{ number: '+919812345678', remaining: ['rejected', 'answered'], placed: 0 },
		]);
		const cleared = await send(sandbox(), 'DELETE', '/__sandbox/outcomes');
		expect(cleared.json).toEqual({ data: [] });
		expect(sandbox().control.outcomeScripts()).toEqual([]);

		sandbox().control.scriptOutcomes(ORDINARY, ['busy']);
		sandbox().control.reset();
		expect(sandbox().control.outcomeScripts()).toEqual([]);
		const id = await place(ORDINARY);
		sandbox().control.advanceClock(TEN_MINUTES);
		expect(outcomeOf(id)[1]).toBe('completed');
	});

	it('refuses a malformed script with 400, naming the field', async () => {
		const refused = async (body: unknown, message: RegExp) => {
			const reply = await post(sandbox(), '/__sandbox/outcomes', body);
			expectError(reply, 400);
			expect(String(reply.json.details)).toMatch(message);
		};
		await refused(['no_answer'], /^Send a JSON object/);
		await refused({ number: '09812345678', outcomes: ['busy'] }, /^number: /);
		await refused({ number: '98123 45678', outcomes: ['busy'] }, /^number: /);
		await refused({ number: ORDINARY }, /^outcomes must be a list/);
		await refused({ number: ORDINARY, outcomes: 'busy' }, /^outcomes must be a list/);
		await refused({ number: ORDINARY, outcomes: Array(21).fill('busy') }, /at most 20/);
		await refused(
			{ number: ORDINARY, outcomes: ['busy', 'completed'] },
			/^outcomes\[1\]: "completed" is not one of answered, no_answer, busy, rejected, failed, canceled\.$/,
		);
		expect(sandbox().control.outcomeScripts()).toEqual([]);
	});

	it('is listed among the control routes', async () => {
		const routes = (await get(sandbox(), '/__sandbox')).json.routes as string[];
		expect(routes).toEqual(
			expect.arrayContaining([
				'GET /__sandbox/outcomes',
				'POST /__sandbox/outcomes {"number", "outcomes": ["no_answer", "answered", …]}',
				'DELETE /__sandbox/outcomes',
			]),
		);
	});
});

/** Call progress under the manual clock, the magic numbers, and GET /calls/:unique_id. */
import { MAGIC_NUMBERS, TIMINGS } from '../../sandbox';
import { expectError, expectSuccess, get, post, useSandbox } from './helpers';

const sandbox = useSandbox();

async function place(number: string): Promise<string> {
	const reply = await post(sandbox(), '/calls', { type: 'audio_blast', number, audio_id: 12 });
	expect(reply.status).toBe(200);
	return String(reply.json.unique_id);
}

async function statusOf(
	id: string,
): Promise<{ call_status: unknown; duration_sec: unknown; details: unknown }> {
	const reply = await get(sandbox(), `/calls/${id}`);
	expectSuccess(reply);
	return reply.json as { call_status: unknown; duration_sec: unknown; details: unknown };
}

const listed = (id: string) =>
	sandbox()
		.control.calls()
		.find((call) => call.unique_id === id);

describe('a call’s lifecycle under the manual clock', () => {
	it('queued → ringing (+2 s) → answered (+5 s) → completed (+5 s + duration)', async () => {
		const id = await place(MAGIC_NUMBERS.answered);
		expect(await statusOf(id)).toMatchObject({
			call_status: 'queued',
			details: 'queued',
			duration_sec: null,
		});
		expect(listed(id)).toMatchObject({ status: 'queued', end_reason: null, duration_sec: null });

		sandbox().control.advanceClock(TIMINGS.ringAfterMs);
		expect(await statusOf(id)).toMatchObject({ call_status: 'ringing', duration_sec: null });
		expect(listed(id)?.status).toBe('ringing');

		sandbox().control.advanceClock(TIMINGS.answerAfterMs - TIMINGS.ringAfterMs + 12_000);
		expect(await statusOf(id)).toMatchObject({
			call_status: 'answered',
			details: 'answered',
			duration_sec: 12,
		});
		expect(listed(id)).toMatchObject({ status: 'in_progress', end_reason: null, duration_sec: 12 });

		sandbox().control.advanceClock(18_000);
		expect(await statusOf(id)).toMatchObject({ call_status: 'completed', duration_sec: 30 });
		expect(listed(id)).toMatchObject({
			status: 'completed',
			end_reason: 'completed',
			duration_sec: 30,
		});
	});

	it('one millisecond before each boundary the call is still in the earlier state', async () => {
		const id = await place(MAGIC_NUMBERS.answered);
		sandbox().control.advanceClock(TIMINGS.ringAfterMs - 1);
		expect((await statusOf(id)).call_status).toBe('queued');
		sandbox().control.advanceClock(1);
		expect((await statusOf(id)).call_status).toBe('ringing');
	});

	it('ordinary numbers complete after a duration derived from the last four digits (10–59 s)', async () => {
		const id = await place('9812345678');
		sandbox().control.advanceClock(TIMINGS.answerAfterMs + 60_000);
		// 10 + (5678 % 50) = 38
		expect(await statusOf(id)).toMatchObject({ call_status: 'completed', duration_sec: 38 });
	});
});

describe('magic numbers', () => {
	it.each([
		[MAGIC_NUMBERS.answered, 'completed', 'completed', 'completed', 30],
		[MAGIC_NUMBERS.noAnswer, 'missed', 'no_answer', 'failed', 0],
		[MAGIC_NUMBERS.busy, 'failed', 'busy', 'failed', 0],
		[MAGIC_NUMBERS.rejected, 'failed', 'rejected', 'failed', 0],
		[MAGIC_NUMBERS.failed, 'failed', 'failed', 'failed', 0],
		[MAGIC_NUMBERS.canceled, 'failed', 'canceled', 'failed', 0],
		[MAGIC_NUMBERS.noRecording, 'completed', 'completed', 'completed', 20],
		[MAGIC_NUMBERS.longCall, 'completed', 'completed', 'completed', 300],
	])(
		'%s ends as status %s / end_reason %s (call_status %s, %i s)',
		async (number, status, endReason, callStatus, duration) => {
			const id = await place(number);
			sandbox().control.advanceClock(10 * 60_000);
			expect(listed(id)).toMatchObject({ status, end_reason: endReason, duration_sec: duration });
			expect(await statusOf(id)).toMatchObject({ call_status: callStatus, duration_sec: duration });
		},
	);

	it('no_answer rings for 30 s before it is missed', async () => {
		const id = await place(MAGIC_NUMBERS.noAnswer);
		sandbox().control.advanceClock(TIMINGS.ringAfterMs);
		expect(listed(id)?.status).toBe('ringing');
		sandbox().control.advanceClock(TIMINGS.noAnswerAfterMs - TIMINGS.ringAfterMs - 1);
		expect(listed(id)?.status).toBe('ringing');
		sandbox().control.advanceClock(1);
		expect(listed(id)).toMatchObject({ status: 'missed', end_reason: 'no_answer' });
	});

	it('a carrier failure never rings', async () => {
		const id = await place(MAGIC_NUMBERS.failed);
		sandbox().control.advanceClock(TIMINGS.failedAfterMs - 1);
		expect(listed(id)?.status).toBe('queued');
		sandbox().control.advanceClock(1);
		expect(listed(id)).toMatchObject({ status: 'failed', end_reason: 'failed' });
	});

	it('the placement-error number answers 503 and creates nothing', async () => {
		expectError(
			await post(sandbox(), '/calls', {
				type: 'audio_blast',
				number: MAGIC_NUMBERS.placementError,
				audio_id: 12,
			}),
			503,
			'Could not place the call right now. Please retry.',
		);
		expect(sandbox().control.calls()).toEqual([]);
	});
});

describe('seeded calls that finish late (finishAt)', () => {
	it('are non-terminal until finishAt, then terminal', async () => {
		const now = sandbox().control.now();
		const [call] = sandbox().control.seedCalls([
			{
				number: '9876543210',
				status: 'completed',
				duration_sec: 20,
				created_at: now,
				finishAt: now + 60_000,
			},
		]);
		expect(call.status).toBe('ringing');
		sandbox().control.advanceClock(45_000);
		expect((await statusOf(call.unique_id)).call_status).toBe('answered');
		sandbox().control.advanceClock(15_000);
		expect(await statusOf(call.unique_id)).toMatchObject({
			call_status: 'completed',
			duration_sec: 20,
		});
	});

	it('a failed one stays ringing until finishAt', async () => {
		const now = sandbox().control.now();
		const [call] = sandbox().control.seedCalls([
			{ status: 'failed', end_reason: 'busy', created_at: now, finishAt: now + 5_000 },
		]);
		expect(listed(call.unique_id)).toMatchObject({ status: 'ringing', end_reason: null });
		sandbox().control.advanceClock(5_000);
		expect(listed(call.unique_id)).toMatchObject({ status: 'failed', end_reason: 'busy' });
	});

	it('a seeded non-terminal status without finishAt stays put', async () => {
		const [queued, ringing, live] = sandbox().control.seedCalls([
			{ status: 'queued' },
			{ status: 'ringing' },
			{ status: 'in_progress' },
		]);
		sandbox().control.advanceClock(3_600_000);
		expect((await statusOf(queued.unique_id)).call_status).toBe('queued');
		expect((await statusOf(ringing.unique_id)).call_status).toBe('ringing');
		expect(await statusOf(live.unique_id)).toMatchObject({
			call_status: 'answered',
			duration_sec: 3600,
		});
	});
});

describe('GET /calls/:unique_id', () => {
	it('the call shape: details mirrors call_status, plus duration_sec and the stored reference_id', async () => {
		const placed = await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: '9812345678',
			audio_id: 12,
			reference_id: 'ref-1',
		});
		const reply = await get(sandbox(), `/calls/${String(placed.json.unique_id)}`);
		expect(reply.json).toEqual({
			status: 'success',
			code: 200,
			unique_id: placed.json.unique_id,
			reference_id: 'ref-1',
			details: 'queued',
			call_status: 'queued',
			duration_sec: null,
		});
	});

	it('a call can also be looked up by its call_id', async () => {
		const id = await place('9812345678');
		const callId = String(listed(id)?.call_id);
		const reply = await get(sandbox(), `/calls/${callId}`);
		expect(reply.json.unique_id).toBe(id);
	});

	it('unknown ids → 404 "Call not found." (run_ ids) or "Not found." (anything else)', async () => {
		expectError(await get(sandbox(), '/calls/run_424242'), 404, 'Call not found.');
		expectError(await get(sandbox(), '/calls/abc'), 404, 'Not found.');
	});

	it('call_status values stay within the documented set whatever happens', async () => {
		const numbers = Object.values(MAGIC_NUMBERS).filter((n) => n !== MAGIC_NUMBERS.placementError);
		const ids = await Promise.all(numbers.map(place));
		for (let step = 0; step < 8; step++) {
			for (const id of ids)
				expect(['queued', 'ringing', 'answered', 'completed', 'failed']).toContain(
					(await statusOf(id)).call_status,
				);
			for (const call of sandbox().control.calls()) {
				expect(['queued', 'ringing', 'in_progress', 'completed', 'missed', 'failed']).toContain(
					call.status,
				);
				expect([
					null,
					'completed',
					'no_answer',
					'busy',
					'rejected',
					'canceled',
					'failed',
				]).toContain(call.end_reason);
			}
			sandbox().control.advanceClock(5_000 * step);
		}
	});
});

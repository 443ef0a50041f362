/** GET /calls/:unique_id/recording: a valid WAV, byte ranges, and the documented 404s. */
import { createHash } from 'node:crypto';
import { MAGIC_NUMBERS, TIMINGS } from '../../sandbox';
import { parseOptions } from '../../sandbox/cli';
import { streamedRecordingFor, toneWav, wavHeader } from '../../sandbox/domain/wav';
import { expectError, get, post, useSandbox, type Reply } from './helpers';

const sandbox = useSandbox();

async function completedCall(number: string = MAGIC_NUMBERS.answered): Promise<string> {
	const reply = await post(sandbox(), '/calls', { type: 'audio_blast', number, audio_id: 12 });
	sandbox().control.advanceClock(TIMINGS.answerAfterMs + 400_000);
	return String(reply.json.unique_id);
}

const recording = (id: string, range?: string): Promise<Reply> =>
	get(
		sandbox(),
		`/calls/${id}/recording`,
		range === undefined ? {} : { headers: { Range: range } },
	);

/** Parses the RIFF/WAVE header and checks every size field against the body. */
function expectValidWav(body: Buffer): void {
	expect(body.toString('ascii', 0, 4)).toBe('RIFF');
	expect(body.readUInt32LE(4)).toBe(body.length - 8);
	expect(body.toString('ascii', 8, 12)).toBe('WAVE');
	expect(body.toString('ascii', 12, 16)).toBe('fmt ');
	expect(body.readUInt32LE(16)).toBe(16);
	expect(body.readUInt16LE(20)).toBe(1); // PCM
	const channels = body.readUInt16LE(22);
	const sampleRate = body.readUInt32LE(24);
	const bits = body.readUInt16LE(34);
	expect(body.readUInt32LE(28)).toBe((sampleRate * channels * bits) / 8);
	expect(body.readUInt16LE(32)).toBe((channels * bits) / 8);
	expect(body.toString('ascii', 36, 40)).toBe('data');
	expect(body.readUInt32LE(40)).toBe(body.length - 44);
	// Not silence: a tone.
	let peak = 0;
	for (let i = 44; i < Math.min(body.length, 4044); i += 2)
		peak = Math.max(peak, Math.abs(body.readInt16LE(i)));
	expect(peak).toBeGreaterThan(1000);
}

describe('GET /calls/:unique_id/recording', () => {
	it('streams a valid WAV with Content-Type audio/wav and Accept-Ranges', async () => {
		const id = await completedCall();
		const reply = await recording(id);
		expect(reply.status).toBe(200);
		expect(reply.headers['content-type']).toBe('audio/wav');
		expect(reply.headers['accept-ranges']).toBe('bytes');
		expect(Number(reply.headers['content-length'])).toBe(reply.raw.length);
		expect(reply.headers['ratelimit-limit']).toBe('120');
		expectValidWav(reply.raw);
	});

	it('is found by call_id too, with identical bytes', async () => {
		const id = await completedCall();
		const callId = String(sandbox().control.calls()[0].call_id);
		const [a, b] = await Promise.all([recording(id), recording(callId)]);
		expect(b.status).toBe(200);
		expect(b.raw.equals(a.raw)).toBe(true);
	});

	it('works for seeded history', async () => {
		const [call] = sandbox().control.seedCalls([{ status: 'completed', duration_sec: 3 }]);
		const reply = await recording(call.unique_id);
		expectValidWav(reply.raw);
		expect(reply.raw.length).toBe(44 + 3 * 8000 * 2);
	});

	it('a call that never connected → 404 "No recording is available for this call."', async () => {
		for (const number of [
			MAGIC_NUMBERS.noAnswer,
			MAGIC_NUMBERS.busy,
			MAGIC_NUMBERS.rejected,
			MAGIC_NUMBERS.failed,
		]) {
			const id = await completedCall(number);
			expectError(await recording(id), 404, 'No recording is available for this call.');
		}
	});

	it('a call still in progress has no recording yet', async () => {
		const reply = await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: MAGIC_NUMBERS.longCall,
			audio_id: 12,
		});
		sandbox().control.advanceClock(TIMINGS.answerAfterMs + 1_000);
		expectError(
			await recording(String(reply.json.unique_id)),
			404,
			'No recording is available for this call.',
		);
	});

	it('a completed call whose audio is not available (9000000007) → 404', async () => {
		expectError(
			await recording(await completedCall(MAGIC_NUMBERS.noRecording)),
			404,
			'No recording is available for this call.',
		);
	});

	it('an unknown call → 404 "Call not found."', async () => {
		expectError(await recording('run_777777'), 404, 'Call not found.');
	});
});

describe('Range requests', () => {
	let id: string;
	let full: Buffer;
	beforeEach(async () => {
		id = await completedCall();
		full = (await recording(id)).raw;
	});

	it('bytes=0-43 → 206 with the WAV header', async () => {
		const reply = await recording(id, 'bytes=0-43');
		expect(reply.status).toBe(206);
		expect(reply.headers['content-range']).toBe(`bytes 0-43/${full.length}`);
		expect(reply.headers['accept-ranges']).toBe('bytes');
		expect(reply.headers['content-length']).toBe('44');
		expect(reply.raw.equals(full.subarray(0, 44))).toBe(true);
	});

	it('an open-ended range (bytes=N-) returns the rest', async () => {
		const reply = await recording(id, 'bytes=1000-');
		expect(reply.status).toBe(206);
		expect(reply.headers['content-range']).toBe(`bytes 1000-${full.length - 1}/${full.length}`);
		expect(reply.raw.equals(full.subarray(1000))).toBe(true);
	});

	it('a suffix range (bytes=-N) returns the last N bytes', async () => {
		const reply = await recording(id, 'bytes=-500');
		expect(reply.status).toBe(206);
		expect(reply.headers['content-range']).toBe(
			`bytes ${full.length - 500}-${full.length - 1}/${full.length}`,
		);
		expect(reply.raw.equals(full.subarray(full.length - 500))).toBe(true);
	});

	it('a suffix longer than the body returns it all (as 206)', async () => {
		const reply = await recording(id, `bytes=-${full.length + 100}`);
		expect(reply.status).toBe(206);
		expect(reply.headers['content-range']).toBe(`bytes 0-${full.length - 1}/${full.length}`);
	});

	it('an end past the body is clamped', async () => {
		const reply = await recording(id, `bytes=10-${full.length * 2}`);
		expect(reply.status).toBe(206);
		expect(reply.raw.length).toBe(full.length - 10);
	});

	it('resuming in chunks rebuilds the file exactly', async () => {
		const parts: Buffer[] = [];
		for (let start = 0; start < full.length; start += 30_000)
			parts.push((await recording(id, `bytes=${start}-${start + 29_999}`)).raw);
		expect(Buffer.concat(parts).equals(full)).toBe(true);
	});

	it.each(['bytes=999999999-', 'bytes=-0', 'bytes=50-10'])(
		'%s → 416 with Content-Range bytes */len and an enveloped body',
		async (range) => {
			const reply = await recording(id, range);
			expectError(reply, 416, 'The requested range cannot be satisfied.');
			expect(reply.headers['content-range']).toBe(`bytes */${full.length}`);
		},
	);

	it.each(['items=0-10', 'bytes=abc', 'bytes=0-10,20-30', 'bytes=-', 'bytes 0-10'])(
		'an unreadable Range (%s) is ignored: 200 with the whole file',
		async (range) => {
			const reply = await recording(id, range);
			expect(reply.status).toBe(200);
			expect(reply.raw.equals(full)).toBe(true);
		},
	);
});

describe("large recordings (recordingBytes, the CLI's --recording-mb)", () => {
	const SIZE = 8 * 1024 * 1024 + 7;
	const large = useSandbox({ recordingBytes: SIZE });

	async function largeCall(): Promise<string> {
		const reply = await post(large(), '/calls', {
			type: 'audio_blast',
			number: MAGIC_NUMBERS.answered,
			audio_id: 12,
		});
		large().control.advanceClock(TIMINGS.answerAfterMs + 400_000);
		return String(reply.json.unique_id);
	}
	const fetchLarge = (id: string, range?: string): Promise<Reply> =>
		get(large(), `/calls/${id}/recording`, {
			timeoutMs: 60_000,
			...(range === undefined ? {} : { headers: { Range: range } }),
		});

	it('serves a valid WAV of the configured size (rounded down to whole samples) with a matching Content-Length', async () => {
		const reply = await fetchLarge(await largeCall());
		expect(reply.status).toBe(200);
		expect(reply.headers['content-type']).toBe('audio/wav');
		expect(reply.raw.length).toBe(SIZE - 1);
		expect(Number(reply.headers['content-length'])).toBe(reply.raw.length);
		expectValidWav(reply.raw);
	});

	it('is the same tone as a short recording of the call, one second repeating', async () => {
		const id = await largeCall();
		const full = (await fetchLarge(id)).raw;
		const callId = String(large().control.calls()[0].call_id);
		const pitch = 300 + (createHash('sha256').update(callId).digest().readUInt16BE(0) % 500);
		const oneSecond = toneWav(1, pitch).subarray(44);
		expect(full.subarray(44, 44 + oneSecond.length).equals(oneSecond)).toBe(true);
		const fifthSecond = 44 + 4 * oneSecond.length;
		expect(full.subarray(fifthSecond, fifthSecond + oneSecond.length).equals(oneSecond)).toBe(true);
	});

	it('answers ranges from the same bytes, across the header and the data', async () => {
		const id = await largeCall();
		const full = (await fetchLarge(id)).raw;
		for (const [start, end] of [
			[0, 43],
			[40, 70_000],
			[5_000_000, 5_200_000],
			[full.length - 10, full.length - 1],
		]) {
			const reply = await fetchLarge(id, `bytes=${start}-${end}`);
			expect(reply.status).toBe(206);
			expect(reply.headers['content-range']).toBe(`bytes ${start}-${end}/${full.length}`);
			expect(Number(reply.headers['content-length'])).toBe(end - start + 1);
			expect(reply.raw.equals(full.subarray(start, end + 1))).toBe(true);
		}
		expectError(
			await fetchLarge(id, `bytes=${full.length}-`),
			416,
			'The requested range cannot be satisfied.',
		);
	});

	it('generates the bytes as they are read: a stream of a 4000 MB recording starts at once and is never built whole', () => {
		const streamed = streamedRecordingFor('call-1', 4000 * 1024 * 1024);
		expect(streamed.length).toBe(4000 * 1024 * 1024);
		const header = wavHeader(streamed.length - 44);
		const stream = streamed.open(0, streamed.length - 1);
		// Generated on demand: the first read returns the header, and at most one chunk is buffered.
		const first = stream.read(44) as Buffer | null;
		expect(first?.equals(header)).toBe(true);
		expect(stream.readableLength).toBeLessThanOrEqual(64 * 1024);
		stream.destroy();
		expect(() => streamedRecordingFor('call-1', 5 * 1024 * 1024 * 1024)).toThrow(RangeError);
	});

	it('--recording-mb N sets recordingBytes to N MiB; without it recordings stay short', () => {
		expect(parseOptions(['--recording-mb', '100']).recordingBytes).toBe(100 * 1024 * 1024);
		expect(parseOptions([]).recordingBytes).toBeUndefined();
		expect(() => parseOptions(['--recording-mb', '0'])).toThrow(
			'--recording-mb must be a whole number from 1 to 4000.',
		);
	});
});

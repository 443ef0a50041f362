/** Call › Download Recording: full and ranged downloads into a binary field, and the errors. */
import type { IBinaryData } from 'n8n-workflow';

import { MAGIC_NUMBERS } from '../../../sandbox';
import { apiRequests, nodeErrorOf, runNode, useSandbox } from '../helpers';

const sandbox = useSandbox();

const download = (parameters: Record<string, unknown>) => ({
	resource: 'call',
	operation: 'downloadRecording',
	...parameters,
});

/** Places a call to `number` and lets it finish; returns its unique_id and call_id. */
async function finishedCall(
	number: string = MAGIC_NUMBERS.answered,
): Promise<{ uniqueId: string; callId: string }> {
	const placed = await runNode(sandbox(), {
		resource: 'call',
		operation: 'place',
		callType: 'audio_blast',
		number,
		audioId: 12,
	});
	const uniqueId = placed.items[0].json.unique_id as string;
	sandbox().control.advanceClock(10 * 60_000);
	const call = sandbox()
		.control.calls()
		.find((entry) => entry.unique_id === uniqueId);
	return { uniqueId, callId: call?.call_id as string };
}

function bytesOf(binary: IBinaryData | undefined): Buffer {
	if (!binary) throw new Error('no binary output');
	return Buffer.from(binary.data, 'base64');
}

describe('Call › Download Recording', () => {
	it('downloads the whole WAV into the "data" field with its MIME type and file name', async () => {
		const { uniqueId } = await finishedCall();
		sandbox().control.clearLog();
		const result = await runNode(sandbox(), download({ uniqueId }));
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		const bytes = bytesOf(item.binary?.data);
		expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
		expect(bytes.subarray(8, 12).toString('ascii')).toBe('WAVE');
		expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
		expect(item.binary?.data).toMatchObject({
			mimeType: 'audio/wav',
			fileName: `${uniqueId}.wav`,
			fileExtension: 'wav',
		});
		expect(item.json).toEqual({
			unique_id: uniqueId,
			file_name: `${uniqueId}.wav`,
			mime_type: 'audio/wav',
			size_bytes: bytes.length,
			partial: false,
		});
		const [request] = apiRequests(sandbox());
		expect(request.path).toBe(`/calls/${uniqueId}/recording`);
		expect(request.headers).not.toHaveProperty('range');
	});

	it('downloads a byte range (206) into a chosen field: the bytes match the full file', async () => {
		const { uniqueId } = await finishedCall();
		const full = bytesOf((await runNode(sandbox(), download({ uniqueId }))).items[0].binary?.data);
		sandbox().control.clearLog();
		const result = await runNode(
			sandbox(),
			download({
				uniqueId,
				binaryPropertyName: 'audio',
				options: { rangeStart: 100, rangeEnd: 199 },
			}),
		);
		const [item] = result.items;
		expect(apiRequests(sandbox())[0].headers.range).toBe('bytes=100-199');
		expect(bytesOf(item.binary?.audio).equals(full.subarray(100, 200))).toBe(true);
		expect(item.json).toMatchObject({
			partial: true,
			size_bytes: 100,
			content_range: `bytes 100-199/${full.length}`,
			mime_type: 'audio/wav',
		});
	});

	it('resumes from a start byte to the end, by call_id, with a custom file name', async () => {
		const { callId } = await finishedCall();
		const full = bytesOf(
			(await runNode(sandbox(), download({ uniqueId: callId }))).items[0].binary?.data,
		);
		const result = await runNode(
			sandbox(),
			download({ uniqueId: callId, options: { rangeStart: '44', fileName: 'part.wav' } }),
		);
		const [item] = result.items;
		expect(bytesOf(item.binary?.data).equals(full.subarray(44))).toBe(true);
		expect(item.binary?.data.fileName).toBe('part.wav');
	});

	it('"No recording is available for this call." is a clear error with advice', async () => {
		const { uniqueId } = await finishedCall(MAGIC_NUMBERS.noAnswer);
		const error = nodeErrorOf(await runNode(sandbox(), download({ uniqueId })));
		expect(error.message).toBe(
			'Agentive Voice API error 404: No recording is available for this call.',
		);
		expect(error.description).toMatch(/Only calls that were answered have a recording/);
	});

	it('a range beyond the end is the API 416 with advice about the range', async () => {
		const { uniqueId } = await finishedCall();
		const error = nodeErrorOf(
			await runNode(sandbox(), download({ uniqueId, options: { rangeStart: 99_999_999 } })),
		);
		expect(error.message).toBe(
			'Agentive Voice API error 416: The requested range cannot be satisfied.',
		);
		expect(error.description).toMatch(/Range Start is at or beyond the end/);
	});
});

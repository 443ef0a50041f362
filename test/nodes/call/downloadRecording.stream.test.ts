/**
 * Call › Download Recording is streamed: the body goes to n8n's binary store as it arrives
 * (written straight to disk in filesystem binary mode), a read is retried only before its body
 * is handed over, and a body that breaks off or stalls part-way fails cleanly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Container as DiContainer } from '@n8n/di';
import type { IBinaryData } from 'n8n-workflow';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';

import { MAGIC_NUMBERS } from '../../../sandbox';
import { apiRequests, nodeErrorOf, runNode, useSandbox } from '../helpers';

/** n8n-core's own copy of @n8n/di (it differs from the top-level one), which holds its services. */
const { Container } = createRequire(require.resolve('n8n-core'))('@n8n/di') as {
	Container: typeof DiContainer;
};

const sandbox = useSandbox();

const download = (parameters: Record<string, unknown>) => ({
	resource: 'call',
	operation: 'downloadRecording',
	...parameters,
});

async function finishedCall(): Promise<string> {
	const placed = await runNode(sandbox(), {
		resource: 'call',
		operation: 'place',
		callType: 'audio_blast',
		number: MAGIC_NUMBERS.answered,
		audioId: 12,
	});
	sandbox().control.advanceClock(10 * 60_000);
	return placed.items[0].json.unique_id as string;
}

/** The recording as the API serves it, fetched directly (not through the node). */
async function recordingBytes(uniqueId: string): Promise<Buffer> {
	const response = await fetch(`${sandbox().url}/calls/${uniqueId}/recording`, {
		headers: { 'x-api-key': sandbox().apiKey, 'x-api-secret': sandbox().apiSecret },
	});
	expect(response.status).toBe(200);
	return Buffer.from(await response.arrayBuffer());
}

const bytesOf = async (binary: IBinaryData | undefined): Promise<Buffer> => {
	if (!binary) throw new Error('no binary output');
	return await Container.get(BinaryDataService).getAsBuffer(binary);
};

describe('Download Recording hands n8n a stream', () => {
	afterEach(() => jest.restoreAllMocks());

	it("the body reaches n8n's binary store as a stream, not a buffer", async () => {
		const uniqueId = await finishedCall();
		const store = jest.spyOn(BinaryDataService.prototype, 'store');
		const result = await runNode(sandbox(), download({ uniqueId }));
		expect(result.error).toBeUndefined();
		expect(store).toHaveBeenCalledTimes(1);
		const handed = store.mock.calls[0][1];
		expect(Buffer.isBuffer(handed)).toBe(false);
		expect(handed).toBeInstanceOf(Readable);
		// In the default (in-memory) mode n8n buffers the stream itself: same bytes as before.
		const bytes = await bytesOf(result.items[0].binary?.data);
		expect(bytes.equals(await recordingBytes(uniqueId))).toBe(true);
		expect(result.items[0].json.size_bytes).toBe(bytes.length);
	});

	it('a 503 and a dropped connection before the body is handed over are retried', async () => {
		const uniqueId = await finishedCall();
		const recordingPath = `/calls/${uniqueId}/recording`;
		sandbox().control.injectFault({ kind: 'status503', method: 'GET', path: recordingPath });
		sandbox().control.injectFault({ kind: 'reset', method: 'GET', path: recordingPath });
		sandbox().control.clearLog();
		const result = await runNode(
			sandbox(),
			download({ uniqueId, options: { rangeStart: 100, rangeEnd: 199 } }),
		);
		expect(result.error).toBeUndefined();
		expect(apiRequests(sandbox(), 'GET', recordingPath).map((entry) => entry.status)).toEqual([
			503, 0, 206,
		]);
		const bytes = await bytesOf(result.items[0].binary?.data);
		expect(bytes.equals((await recordingBytes(uniqueId)).subarray(100, 200))).toBe(true);
		expect(result.items[0].json).toMatchObject({ partial: true, size_bytes: 100 });
	});

	it("an error answer is still read as the API's envelope (the 404 is not retried)", async () => {
		const placed = await runNode(sandbox(), {
			resource: 'call',
			operation: 'place',
			callType: 'audio_blast',
			number: MAGIC_NUMBERS.noAnswer,
			audioId: 12,
		});
		sandbox().control.advanceClock(10 * 60_000);
		sandbox().control.clearLog();
		const uniqueId = placed.items[0].json.unique_id as string;
		const error = nodeErrorOf(await runNode(sandbox(), download({ uniqueId })));
		expect(error.message).toBe(
			'Agentive Voice API error 404: No recording is available for this call.',
		);
		expect(apiRequests(sandbox(), 'GET')).toHaveLength(1);
	});
});

/**
 * A recording server that misbehaves part-way through the body, which the sandbox cannot do: it
 * sends the headers and `sendBytes` of a `totalBytes` OGG, in `chunks` pieces `everyMs` apart,
 * then ends, drops the connection or goes silent.
 */
interface BodyPlan {
	totalBytes: number;
	sendBytes: number;
	chunks: number;
	everyMs: number;
	then: 'end' | 'drop' | 'stall';
}

const SECRET = 'sk_test_streaming_secret_d41d8cd98f00b204';

async function startRecordingServer(
	plan: BodyPlan,
): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
	let requests = 0;
	const body = Buffer.alloc(plan.totalBytes, 7);
	const server = http.createServer((_req, res) => {
		requests += 1;
		res.writeHead(200, { 'Content-Type': 'audio/ogg', 'Content-Length': String(plan.totalBytes) });
		const size = Math.ceil(plan.sendBytes / plan.chunks);
		let sent = 0;
		const next = () => {
			if (res.destroyed) return;
			if (sent < plan.sendBytes) {
				res.write(body.subarray(sent, Math.min(plan.sendBytes, sent + size)));
				sent += size;
				setTimeout(next, plan.everyMs);
				return;
			}
			if (plan.then === 'end') res.end();
			if (plan.then === 'drop') res.destroy();
		};
		next();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests: () => requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describe('a body that breaks off part-way', () => {
	const cases: Array<{ name: string; plan: BodyPlan; expected: RegExp }> = [
		{
			name: 'a connection dropped mid-body',
			plan: { totalBytes: 20_000, sendBytes: 8_000, chunks: 2, everyMs: 20, then: 'drop' },
			expected:
				/^The download from Agentive Voice was interrupted after 8000 bytes: the connection was dropped$/,
		},
		{
			name: 'a body that stops arriving (longer than the Timeout)',
			plan: { totalBytes: 20_000, sendBytes: 8_000, chunks: 2, everyMs: 20, then: 'stall' },
			expected:
				/^The download from Agentive Voice was interrupted after 8000 bytes: no data arrived for 1 s$/,
		},
	];

	it.each(cases)(
		'$name fails the item cleanly, is not retried, and never shows the secret',
		async ({ plan, expected }) => {
			const server = await startRecordingServer(plan);
			try {
				const result = await runNode(
					sandbox(),
					download({ uniqueId: 'run_77', options: { timeoutMs: 1000 } }),
					{
						credentials: { url: server.url, apiKey: 'pk_test_stream', apiSecret: SECRET },
						continueOnFail: true,
					},
				);
				const json = result.items[0].json;
				expect(json.error).toMatch(expected);
				expect(json.details).toMatch(/Nothing was saved/);
				expect(result.items[0].binary).toBeUndefined();
				expect(server.requests()).toBe(1);
				expect(JSON.stringify(result.run)).not.toContain(SECRET);
			} finally {
				await server.close();
			}
		},
	);

	it('a slow but steady body is not cut off, even when it takes longer than the Timeout', async () => {
		const server = await startRecordingServer({
			totalBytes: 8_000,
			sendBytes: 8_000,
			chunks: 8,
			everyMs: 250,
			then: 'end',
		});
		try {
			const result = await runNode(
				sandbox(),
				download({ uniqueId: 'run_77', options: { timeoutMs: 1000 } }),
				{
					credentials: { url: server.url, apiKey: 'pk_test_stream', apiSecret: SECRET },
				},
			);
			expect(result.error).toBeUndefined();
			const [item] = result.items;
			expect(item.json).toEqual({
				unique_id: 'run_77',
				file_name: 'run_77.ogg',
				mime_type: 'audio/ogg',
				size_bytes: 8_000,
				partial: false,
			});
			expect((await bytesOf(item.binary?.data)).equals(Buffer.alloc(8_000, 7))).toBe(true);
		} finally {
			await server.close();
		}
	});
});

// Last: it switches n8n's binary store to filesystem mode for the rest of this file.
describe('Download Recording in filesystem binary mode', () => {
	let storagePath: string;
	beforeAll(async () => {
		storagePath = await mkdtemp(path.join(tmpdir(), 'agentive-binary-'));
		const config = Container.get(BinaryDataConfig);
		config.mode = 'filesystem';
		config.localStoragePath = storagePath;
		await Container.get(BinaryDataService).init();
	});
	afterAll(async () => {
		await rm(storagePath, { recursive: true, force: true });
	});

	it('writes the recording to disk: n8n keeps a file reference, and the file is the whole recording', async () => {
		const uniqueId = await finishedCall();
		const result = await runNode(sandbox(), download({ uniqueId }));
		expect(result.error).toBeUndefined();
		const binary = result.items[0].binary?.data;
		expect(binary?.id).toMatch(/^filesystem(-v2)?:/);
		expect(binary?.data).not.toMatch(/^UklGR/); // no base64 WAV held in the item
		const bytes = await bytesOf(binary);
		expect(bytes.equals(await recordingBytes(uniqueId))).toBe(true);
		expect(binary).toMatchObject({
			fileName: `${uniqueId}.wav`,
			mimeType: 'audio/wav',
			bytes: bytes.length,
		});
		expect(result.items[0].json.size_bytes).toBe(bytes.length);
	});
});

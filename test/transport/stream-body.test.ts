/**
 * The stall guard on streamed bodies, on plain streams: n8n's HTTP stack closes an idle socket on
 * some paths but not all (not behind a proxy with SSRF protection), so the guard must stop a
 * stalled body by itself, and must never cut off a body that keeps arriving or disturb its flow.
 */
import { Readable } from 'node:stream';

import { watchStream } from '../../nodes/shared/transport/attempt';
import { bytesReceived } from '../../nodes/shared/transport/download';

/** A body that sends `chunks` and then, unless `end`, goes silent with the connection open. */
function body(chunks: string[], end: boolean): Readable {
	let next = 0;
	return new Readable({
		read() {
			if (next < chunks.length) this.push(Buffer.from(chunks[next++]));
			else if (end) this.push(null);
		},
	});
}

async function readAll(stream: Readable): Promise<string> {
	let text = '';
	for await (const chunk of stream) text += String(chunk);
	return text;
}

describe('streamed body stall guard', () => {
	it('destroys a body that goes silent, as a timeout, after counting what arrived', async () => {
		const stream = watchStream(body(['abc', 'defg'], false), 200);
		await expect(readAll(stream)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
		expect(stream.destroyed).toBe(true);
		expect(bytesReceived(stream)).toBe(7);
	});

	it('passes a complete body through untouched and stops watching when it ends', async () => {
		const stream = watchStream(body(['abc', 'defg', 'h'], true), 200);
		expect(await readAll(stream)).toBe('abcdefgh');
		expect(bytesReceived(stream)).toBe(8);
		// Nothing fires later: the stream stays cleanly ended, not destroyed with an error.
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(stream.errored).toBeNull();
	});

	it('does not start the flow: data waits until a consumer reads', async () => {
		const stream = watchStream(body(['abc'], true), 1000);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(stream.readableFlowing).toBeNull();
		expect(await readAll(stream)).toBe('abc');
	});
});

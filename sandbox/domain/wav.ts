/**
 * Recordings are generated, not stored: a short mono 16-bit PCM WAV (8 kHz, telephone quality)
 * with a soft tone whose pitch is derived from the call id, so every request for the same call
 * returns identical bytes (which Range requests rely on).
 *
 * With the sandbox's --recording-mb option every recording is instead a streamed WAV of that size
 * (streamedRecordingFor), generated as it is sent, for measuring memory while downloading.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

export const SAMPLE_RATE = 8000;
/** Recordings are capped to keep responses small: min(talk time, 5 s), at least 1 s. */
export const MAX_RECORDING_SEC = 5;

const cache = new Map<string, Buffer>();

export function recordingFor(callId: string, durationSec: number): Buffer {
	const seconds = Math.max(1, Math.min(MAX_RECORDING_SEC, Math.floor(durationSec)));
	const key = `${callId}:${seconds}`;
	let wav = cache.get(key);
	if (!wav) {
		if (cache.size > 256) cache.clear();
		wav = toneWav(seconds, pitchFor(callId));
		cache.set(key, wav);
	}
	return wav;
}

export function toneWav(seconds: number, frequencyHz: number): Buffer {
	const samples = Math.round(seconds * SAMPLE_RATE);
	const dataBytes = samples * 2;
	const wav = Buffer.alloc(44 + dataBytes);
	wav.write('RIFF', 0, 'ascii');
	wav.writeUInt32LE(36 + dataBytes, 4);
	wav.write('WAVE', 8, 'ascii');
	wav.write('fmt ', 12, 'ascii');
	wav.writeUInt32LE(16, 16); // PCM fmt chunk size
	wav.writeUInt16LE(1, 20); // PCM
	wav.writeUInt16LE(1, 22); // mono
	wav.writeUInt32LE(SAMPLE_RATE, 24);
	wav.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
	wav.writeUInt16LE(2, 32); // block align
	wav.writeUInt16LE(16, 34); // bits per sample
	wav.write('data', 36, 'ascii');
	wav.writeUInt32LE(dataBytes, 40);
	for (let i = 0; i < samples; i++) {
		wav.writeInt16LE(
			Math.round(Math.sin((2 * Math.PI * frequencyHz * i) / SAMPLE_RATE) * 6000),
			44 + i * 2,
		);
	}
	return wav;
}

/** The 44-byte RIFF/WAVE header of a mono 16-bit PCM file with `dataBytes` bytes of samples. */
export function wavHeader(dataBytes: number): Buffer {
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'ascii');
	header.writeUInt32LE(36 + dataBytes, 4);
	header.write('WAVE', 8, 'ascii');
	header.write('fmt ', 12, 'ascii');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(1, 22);
	header.writeUInt32LE(SAMPLE_RATE, 24);
	header.writeUInt32LE(SAMPLE_RATE * 2, 28);
	header.writeUInt16LE(2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36, 'ascii');
	header.writeUInt32LE(dataBytes, 40);
	return header;
}

/** A recording too large to build in memory: its size, and a stream of any byte range of it. */
export interface StreamedRecording {
	/** Total size in bytes (header included). */
	length: number;
	/** Bytes start..end (inclusive), generated as they are read, 64 KiB at a time. */
	open(start: number, end: number): Readable;
}

const CHUNK_BYTES = 64 * 1024;
/** WAV data sizes are 32-bit. */
export const MAX_STREAMED_BYTES = 0xffffffff - 36;

/**
 * A WAV of about `totalBytes` (rounded down to whole samples) with the same tone as recordingFor,
 * never held whole in memory: the PCM data is one second of tone (an integer frequency repeats every
 * SAMPLE_RATE samples) repeated, so any byte range is copied from the header or that one-second table.
 */
export function streamedRecordingFor(callId: string, totalBytes: number): StreamedRecording {
	if (!Number.isInteger(totalBytes) || totalBytes < 46 || totalBytes > MAX_STREAMED_BYTES) {
		throw new RangeError(`A streamed recording must be 46 to ${MAX_STREAMED_BYTES} bytes.`);
	}
	const dataBytes = Math.floor((totalBytes - 44) / 2) * 2;
	const length = 44 + dataBytes;
	const header = wavHeader(dataBytes);
	const oneSecond = toneWav(1, pitchFor(callId)).subarray(44);
	const byteAt = (offset: number, target: Buffer, at: number, count: number): void => {
		let written = 0;
		let position = offset;
		while (written < count) {
			if (position < 44) {
				const n = Math.min(44 - position, count - written);
				header.copy(target, at + written, position, position + n);
				written += n;
				position += n;
			} else {
				const inTable = (position - 44) % oneSecond.length;
				const n = Math.min(oneSecond.length - inTable, count - written);
				oneSecond.copy(target, at + written, inTable, inTable + n);
				written += n;
				position += n;
			}
		}
	};
	return {
		length,
		open(start: number, end: number): Readable {
			let next = start;
			return new Readable({
				highWaterMark: CHUNK_BYTES,
				read() {
					if (next > end) {
						this.push(null);
						return;
					}
					const count = Math.min(CHUNK_BYTES, end - next + 1);
					const chunk = Buffer.allocUnsafe(count);
					byteAt(next, chunk, 0, count);
					next += count;
					this.push(chunk);
				},
			});
		},
	};
}

function pitchFor(callId: string): number {
	return 300 + (createHash('sha256').update(callId).digest().readUInt16BE(0) % 500);
}

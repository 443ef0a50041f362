/**
 * Recordings are generated, not stored: a short mono 16-bit PCM WAV (8 kHz, telephone quality)
 * with a soft tone whose pitch is derived from the call id, so every request for the same call
 * returns identical bytes (which Range requests rely on).
 */
import { createHash } from 'node:crypto';

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
		const pitch = 300 + (createHash('sha256').update(callId).digest().readUInt16BE(0) % 500);
		wav = toneWav(seconds, pitch);
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
		wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequencyHz * i) / SAMPLE_RATE) * 6000), 44 + i * 2);
	}
	return wav;
}

/**
 * GET /calls/:unique_id/recording: a generated WAV, with single byte-range support. With the
 * sandbox's recordingBytes option (--recording-mb) the WAV has that size and is streamed as it is
 * generated, never held whole in memory.
 */
import { statusAt } from '../domain/lifecycle';
import { recordingFor, streamedRecordingFor } from '../domain/wav';
import { ApiError } from '../http/envelope';
import { parseRange } from '../http/range';
import type { Outgoing } from '../http/response';
import { CALL_MESSAGES } from './calls';
import { fail } from './fields';
import type { ApiContext, ApiRequest, Route } from './types';

export const RECORDING_MESSAGES = {
	unavailable: 'No recording is available for this call.',
	unsatisfiable: 'The requested range cannot be satisfied.',
} as const;

interface Audio {
	length: number;
	/** Bytes start..end inclusive. */
	slice(start: number, end: number): Pick<Outgoing, 'body' | 'stream'>;
}

function audioFor(callId: string, durationSec: number, ctx: ApiContext): Audio {
	if (ctx.recordingBytes) {
		const streamed = streamedRecordingFor(callId, ctx.recordingBytes);
		return {
			length: streamed.length,
			slice: (start, end) => ({
				body: Buffer.alloc(0),
				stream: { length: end - start + 1, open: () => streamed.open(start, end) },
			}),
		};
	}
	const audio = recordingFor(callId, durationSec);
	return {
		length: audio.length,
		slice: (start, end) => ({ body: audio.subarray(start, end + 1) }),
	};
}

/** Only calls that were answered and have finished have a recording (looked up by unique_id or call_id). */
function recording(req: ApiRequest, ctx: ApiContext): Outgoing {
	const call = req.account.calls.get(req.params.unique_id);
	if (!call) fail(req, CALL_MESSAGES.callNotFound, 404);
	if (!call.hasRecording || statusAt(call.timeline, req.now) !== 'completed')
		fail(req, RECORDING_MESSAGES.unavailable, 404);
	const audio = audioFor(call.callId, call.timeline.durationSec, ctx);
	const headers = {
		'Content-Type': 'audio/wav',
		'Accept-Ranges': 'bytes',
		'Content-Disposition': `attachment; filename="${call.uniqueId}.wav"`,
	};
	const range = parseRange(req.headers.range, audio.length);
	if (range.kind === 'unsatisfiable') {
		throw new ApiError(
			416,
			RECORDING_MESSAGES.unsatisfiable,
			{ referenceId: req.referenceId },
			{ 'Content-Range': `bytes */${audio.length}`, 'Accept-Ranges': 'bytes' },
		);
	}
	if (range.kind === 'partial') {
		return {
			status: 206,
			headers: { ...headers, 'Content-Range': `bytes ${range.start}-${range.end}/${audio.length}` },
			...audio.slice(range.start, range.end),
		};
	}
	return { status: 200, headers, ...audio.slice(0, audio.length - 1) };
}

export const recordingRoutes: Route[] = [
	{ method: 'GET', pattern: '/calls/:unique_id/recording', handler: recording },
];

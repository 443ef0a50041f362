/** GET /calls/:unique_id/recording: a generated WAV, with single byte-range support. */
import { statusAt } from '../domain/lifecycle';
import { recordingFor } from '../domain/wav';
import { ApiError } from '../http/envelope';
import { parseRange } from '../http/range';
import type { Outgoing } from '../http/response';
import { CALL_MESSAGES } from './calls';
import { fail } from './fields';
import type { ApiRequest, Route } from './types';

export const RECORDING_MESSAGES = {
	unavailable: 'No recording is available for this call.',
	unsatisfiable: 'The requested range cannot be satisfied.',
} as const;

/** Only calls that were answered and have finished have a recording (looked up by unique_id or call_id). */
function recording(req: ApiRequest): Outgoing {
	const call = req.account.calls.get(req.params.unique_id);
	if (!call) fail(req, CALL_MESSAGES.callNotFound, 404);
	if (!call.hasRecording || statusAt(call.timeline, req.now) !== 'completed') fail(req, RECORDING_MESSAGES.unavailable, 404);
	const audio = recordingFor(call.callId, call.timeline.durationSec);
	const headers = { 'Content-Type': 'audio/wav', 'Accept-Ranges': 'bytes', 'Content-Disposition': `attachment; filename="${call.uniqueId}.wav"` };
	const range = parseRange(req.headers.range, audio.length);
	if (range.kind === 'unsatisfiable') {
		throw new ApiError(416, RECORDING_MESSAGES.unsatisfiable, { referenceId: req.referenceId }, { 'Content-Range': `bytes */${audio.length}`, 'Accept-Ranges': 'bytes' });
	}
	if (range.kind === 'partial') {
		return { status: 206, headers: { ...headers, 'Content-Range': `bytes ${range.start}-${range.end}/${audio.length}` }, body: audio.subarray(range.start, range.end + 1) };
	}
	return { status: 200, headers, body: audio };
}

export const recordingRoutes: Route[] = [{ method: 'GET', pattern: '/calls/:unique_id/recording', handler: recording }];

/**
 * Call lifecycle: a call is a timeline of clock instants, and its status is read from the clock at
 * read time. No timers, so a manual clock fully controls progress.
 */
import { MAGIC_NUMBERS } from '../fixtures';

export const LIST_STATUSES = [
	'queued',
	'ringing',
	'in_progress',
	'completed',
	'missed',
	'failed',
] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];
export type FinalStatus = 'completed' | 'missed' | 'failed';

export const END_REASONS = [
	'completed',
	'no_answer',
	'busy',
	'rejected',
	'canceled',
	'failed',
] as const;
export type EndReason = (typeof END_REASONS)[number];

/** The call_status values of GET /calls/:unique_id. */
export type CallStatusValue = 'queued' | 'ringing' | 'answered' | 'completed' | 'failed';

export interface Timeline {
	/** null: never rings (queued until it ends, or forever). */
	ringAt: number | null;
	/** null: never answered. */
	answerAt: number | null;
	/** null: never ends (a seeded call stuck in a non-terminal status). */
	endAt: number | null;
	final: FinalStatus;
	endReason: EndReason;
	/** Talk seconds once completed. */
	durationSec: number;
}

/** Builds every timeline with one property order, so reads stay monomorphic (fast) across 10k+ calls. */
export function makeTimeline(
	ringAt: number | null,
	answerAt: number | null,
	endAt: number | null,
	final: FinalStatus,
	endReason: EndReason,
	durationSec: number,
): Timeline {
	return { ringAt, answerAt, endAt, final, endReason, durationSec };
}

/** Offsets from placement, in ms. */
export const TIMINGS = {
	ringAfterMs: 2_000,
	answerAfterMs: 5_000,
	busyAfterMs: 4_000,
	rejectedAfterMs: 8_000,
	canceledAfterMs: 6_000,
	failedAfterMs: 3_000,
	noAnswerAfterMs: 32_000,
} as const;

export interface Outcome {
	timeline(createdAt: number): Timeline;
	hasRecording: boolean;
}

/** Duration of an answered call to an ordinary number: 10-59 s, from its last four digits. */
export function defaultDurationSec(nationalDigits: string): number {
	return 10 + (Number(nationalDigits.slice(-4)) % 50);
}

export const answeredOutcome = (durationSec: number, hasRecording = true): Outcome => ({
	hasRecording,
	timeline: (t) =>
		makeTimeline(
			t + TIMINGS.ringAfterMs,
			t + TIMINGS.answerAfterMs,
			t + TIMINGS.answerAfterMs + durationSec * 1000,
			'completed',
			'completed',
			durationSec,
		),
});

export const unansweredOutcome = (
	final: 'missed' | 'failed',
	endReason: EndReason,
	endAfterMs: number,
	rings = true,
): Outcome => ({
	hasRecording: false,
	timeline: (t) =>
		makeTimeline(rings ? t + TIMINGS.ringAfterMs : null, null, t + endAfterMs, final, endReason, 0),
});

/** 'placement-error': the call cannot be placed (5xx, nothing created). */
export function outcomeFor(nationalDigits: string): Outcome | 'placement-error' {
	switch (nationalDigits) {
		case MAGIC_NUMBERS.answered:
			return answeredOutcome(30);
		case MAGIC_NUMBERS.noAnswer:
			return unansweredOutcome('missed', 'no_answer', TIMINGS.noAnswerAfterMs);
		case MAGIC_NUMBERS.busy:
			return unansweredOutcome('failed', 'busy', TIMINGS.busyAfterMs);
		case MAGIC_NUMBERS.rejected:
			return unansweredOutcome('failed', 'rejected', TIMINGS.rejectedAfterMs);
		case MAGIC_NUMBERS.failed:
			return unansweredOutcome('failed', 'failed', TIMINGS.failedAfterMs, false);
		case MAGIC_NUMBERS.placementError:
			return 'placement-error';
		case MAGIC_NUMBERS.noRecording:
			return answeredOutcome(20, false);
		case MAGIC_NUMBERS.longCall:
			return answeredOutcome(300);
		case MAGIC_NUMBERS.canceled:
			return unansweredOutcome('failed', 'canceled', TIMINGS.canceledAfterMs);
		default:
			return answeredOutcome(defaultDurationSec(nationalDigits));
	}
}

export function statusAt(timeline: Timeline, now: number): ListStatus {
	if (timeline.endAt !== null && now >= timeline.endAt) return timeline.final;
	if (timeline.answerAt !== null && now >= timeline.answerAt) return 'in_progress';
	if (timeline.ringAt !== null && now >= timeline.ringAt) return 'ringing';
	return 'queued';
}

export function isTerminal(status: ListStatus): boolean {
	return status === 'completed' || status === 'missed' || status === 'failed';
}

export function endReasonAt(timeline: Timeline, now: number): EndReason | null {
	return isTerminal(statusAt(timeline, now)) ? timeline.endReason : null;
}

/** Talk seconds: null before an answer, elapsed while connected, final once ended (0 if never connected). */
export function durationAt(timeline: Timeline, now: number): number | null {
	const status = statusAt(timeline, now);
	if (status === 'completed') return timeline.durationSec;
	if (status === 'missed' || status === 'failed') return 0;
	if (status === 'in_progress' && timeline.answerAt !== null)
		return Math.floor((now - timeline.answerAt) / 1000);
	return null;
}

/** The single-call status vocabulary: in_progress reads as answered, missed as failed. */
export function toCallStatus(status: ListStatus): CallStatusValue {
	if (status === 'in_progress') return 'answered';
	if (status === 'missed') return 'failed';
	return status;
}

/** The end reason that goes with a final status when a seed spec does not name one. */
export function defaultEndReason(status: FinalStatus): EndReason {
	return status === 'completed' ? 'completed' : status === 'missed' ? 'no_answer' : 'failed';
}

export function isListStatus(value: unknown): value is ListStatus {
	return typeof value === 'string' && (LIST_STATUSES as readonly string[]).includes(value);
}

export function isEndReason(value: unknown): value is EndReason {
	return typeof value === 'string' && (END_REASONS as readonly string[]).includes(value);
}

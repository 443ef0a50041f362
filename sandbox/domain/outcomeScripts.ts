/**
 * Scripted outcomes: the next calls to a number end the way a test says, one outcome per call, in
 * order ("no answer on the first call, answered on the second"). Once a number's script is used up,
 * the number is back to its usual outcome (magic number or ordinary). Every placed call to the number
 * uses one entry, whatever placed it (Place call, campaign trigger, verification call); a request
 * refused before a call exists (bad input, a fault) uses none.
 */
import {
	answeredOutcome,
	defaultDurationSec,
	outcomeFor,
	unansweredOutcome,
	TIMINGS,
	type Outcome,
} from './lifecycle';

export const SCRIPTED_OUTCOMES = [
	'answered',
	'no_answer',
	'busy',
	'rejected',
	'failed',
	'canceled',
] as const;
export type ScriptedOutcome = (typeof SCRIPTED_OUTCOMES)[number];

export function isScriptedOutcome(value: unknown): value is ScriptedOutcome {
	return typeof value === 'string' && (SCRIPTED_OUTCOMES as readonly string[]).includes(value);
}

/** The most calls one script may describe (a script is a test's few attempts, not a data set). */
export const MAX_SCRIPT_LENGTH = 20;

/** The timeline of a scripted outcome; same timings as the magic numbers with that result. */
export function scriptedOutcome(outcome: ScriptedOutcome, nationalDigits: string): Outcome {
	switch (outcome) {
		case 'answered': {
			// A number that answers anyway keeps its own talk time (and recording); any other talks for
			// the ordinary number's time (10 + last four digits mod 50 seconds).
			const usual = outcomeFor(nationalDigits);
			if (usual !== 'placement-error' && usual.timeline(0).final === 'completed') return usual;
			return answeredOutcome(defaultDurationSec(nationalDigits));
		}
		case 'no_answer':
			return unansweredOutcome('missed', 'no_answer', TIMINGS.noAnswerAfterMs);
		case 'busy':
			return unansweredOutcome('failed', 'busy', TIMINGS.busyAfterMs);
		case 'rejected':
			return unansweredOutcome('failed', 'rejected', TIMINGS.rejectedAfterMs);
		case 'failed':
			return unansweredOutcome('failed', 'failed', TIMINGS.failedAfterMs, false);
		case 'canceled':
			return unansweredOutcome('failed', 'canceled', TIMINGS.canceledAfterMs);
	}
}

export interface ScriptState {
	/** +91XXXXXXXXXX */
	number: string;
	/** Outcomes still to come, next first. */
	remaining: ScriptedOutcome[];
	/** Calls placed to the number since the script was set. */
	placed: number;
}

/** One account's scripts, by the number's ten national digits. */
export class OutcomeScripts {
	private readonly scripts = new Map<string, { remaining: ScriptedOutcome[]; placed: number }>();

	/** Replaces any script the number had. An empty list removes it. */
	set(nationalDigits: string, outcomes: ScriptedOutcome[]): void {
		if (outcomes.length === 0) this.scripts.delete(nationalDigits);
		else this.scripts.set(nationalDigits, { remaining: [...outcomes], placed: 0 });
	}

	/** The outcome of the call being placed now, using up one entry; undefined: no script (or used up). */
	take(nationalDigits: string): ScriptedOutcome | undefined {
		const script = this.scripts.get(nationalDigits);
		if (!script || script.remaining.length === 0) return undefined;
		script.placed++;
		return script.remaining.shift();
	}

	/** Scripts set and not cleared, used-up ones included (so a test can read how many calls used one). */
	list(): ScriptState[] {
		return Array.from(this.scripts, ([digits, script]) => ({
			number: `+91${digits}`,
			remaining: [...script.remaining],
			placed: script.placed,
		}));
	}

	clear(): void {
		this.scripts.clear();
	}
}

/**
 * Where run numbers (unique_id run_N) start. Real ids never repeat, while n8n keeps its data
 * (upserted rows, trigger state) from one sandbox run to the next; so a sandbox must never hand out
 * a number that an earlier sandbox handed out. The first number is the real time in milliseconds
 * since 2025-01-01 UTC when the sandbox starts (the wall clock, not the injected one: tests on a
 * manual clock start at the same instant every time), and a sandbox started later in the same
 * process starts after the highest number any earlier one handed out. Resets keep counting.
 */

/** 2025-01-01T00:00:00Z: keeps the numbers a few digits shorter than raw Date.now(). */
const EPOCH_MS = Date.UTC(2025, 0, 1);

/** Never below the numbers the sandbox always used (run_5001 on), so ids keep their shape. */
export const FIRST_RUN = 5001;

let highestInProcess = 0;

/** The first run number for a sandbox starting now. */
export function firstRunNumber(realNow: () => number = Date.now): number {
	return Math.max(FIRST_RUN, realNow() - EPOCH_MS, highestInProcess + 1);
}

/** Records a number as handed out, so later sandboxes in this process start above it. */
export function noteRunNumber(run: number): void {
	if (run > highestInProcess) highestInProcess = run;
}

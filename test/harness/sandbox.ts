/** The one sandbox lifecycle of the unit tests: a sandbox per test file, reset before each test. */
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../sandbox';

/** 2026-06-04 10:00 UTC (15:30 IST): the manual clock's start unless a suite picks its own. */
export const SANDBOX_START_MS = Date.UTC(2026, 5, 4, 10, 0, 0);

/**
 * Starts a sandbox on a free port with a manual clock before the suite, resets it before each test
 * and closes it after the suite. Returns a getter: the sandbox exists only once the suite runs.
 */
export function useSandbox(options: SandboxOptions = {}): () => RunningSandbox {
	let sandbox: RunningSandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox({
			port: 0,
			clock: { mode: 'manual', startMs: SANDBOX_START_MS },
			...options,
		});
	});
	beforeEach(() => sandbox?.control.reset());
	afterAll(async () => {
		await sandbox?.close();
	});
	return () => {
		if (!sandbox) throw new Error('sandbox not started');
		return sandbox;
	};
}

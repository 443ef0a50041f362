/**
 * `npm run bench:n8n -- --only=crash`: issue 18's scenario (n8n or a worker dying in the middle of a
 * blast), one line per row:
 *
 *   crash (<variant>): <P>/<N> numbers called, <D> duplicate calls, <M> never called, retry execution <status>
 */
import type { Runtime } from '../../e2e/lib/runtime';
import type { PrivatePack } from './pack';

export interface CrashBenchOptions {
	runtime: Runtime;
	packed: PrivatePack;
	onStop(stop: () => Promise<void>): void;
}

export async function runCrashBench(options: CrashBenchOptions): Promise<void> {
	options.packed.remove();
	throw new Error(`--only=crash is not built yet (n8n ${options.runtime.n8nVersion}).`);
}

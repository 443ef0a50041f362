/**
 * Entry point of the Agentive Voice sandbox for TypeScript tests:
 *   const sandbox = await startSandbox({ clock: { mode: 'manual' } });
 *   … sandbox.url, sandbox.apiKey, sandbox.apiSecret, sandbox.control …
 *   await sandbox.close();
 */
import type { AddressInfo } from 'node:net';
import { SandboxCore } from './core';
import { DEMO_ACCOUNT } from './fixtures';
import { API_BASE, createSandboxServer } from './server';
import type { RunningSandbox, SandboxControl, SandboxOptions } from './types';

export type {
	ClockOptions,
	FaultKind,
	FaultSpec,
	LoggedRequest,
	PublicCall,
	RateLimitOptions,
	RunningSandbox,
	SandboxControl,
	ScriptState,
	ScriptedOutcome,
	SandboxOptions,
	SeedCallSpec,
} from './types';
export { API_BASE, CONTROL_PREFIX } from './server';
export { DEFAULT_OTP_NUMBER_LIMIT, DEFAULT_RATE_LIMIT } from './core';
export { TIMINGS } from './domain/lifecycle';
export { SCRIPTED_OUTCOMES } from './domain/outcomeScripts';
export * from './fixtures';

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
	const core = new SandboxCore(options);
	const { server, close } = createSandboxServer(core);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;
	return {
		url: `${origin}${API_BASE}`,
		origin,
		apiKey: DEMO_ACCOUNT.apiKey,
		apiSecret: DEMO_ACCOUNT.apiSecret,
		control: controlOf(core),
		close,
	};
}

/** Only the SandboxControl surface, bound, so callers cannot reach the internals. */
function controlOf(core: SandboxCore): SandboxControl {
	return {
		now: () => core.now(),
		advanceClock: (ms) => core.advanceClock(ms),
		injectFault: (fault) => core.injectFault(fault),
		clearFaults: () => core.clearFaults(),
		pendingFaults: () => core.pendingFaults(),
		reset: () => core.reset(),
		requestLog: () => core.requestLog(),
		clearLog: () => core.clearLog(),
		otp: (requestId) => core.otp(requestId),
		seedCalls: (specs) => core.seedCalls(specs),
		calls: () => core.calls(),
		scriptOutcomes: (number, outcomes) => core.scriptOutcomes(number, outcomes),
		outcomeScripts: () => core.outcomeScripts(),
		clearOutcomeScripts: () => core.clearOutcomeScripts(),
	};
}

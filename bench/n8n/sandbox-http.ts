/**
 * The sandbox as this benchmark sees it: an external process reached over HTTP only. Its control
 * routes (reset, request log, calls) and "another system on the same account" (a steady GET /account
 * client that never retries).
 */
import axios from 'axios';

import type { LoggedRequest, PublicCall } from '../../sandbox/types';
import type { SandboxHandle } from '../../e2e/lib/sandbox';

const control = axios.create({ timeout: 30_000 });

function controlUrl(sandbox: SandboxHandle, route: string): string {
	return `${sandbox.controlUrl ?? `${sandbox.origin}/__sandbox`}${route}`;
}

/** Back to the seeded data: calls, rate-limit windows, faults and the request log are cleared. */
export async function resetSandbox(sandbox: SandboxHandle): Promise<void> {
	await control.post(controlUrl(sandbox, '/reset'), {});
}

/** API requests since the last reset, oldest first. */
export async function requestLog(sandbox: SandboxHandle): Promise<LoggedRequest[]> {
	const response = await control.get<{ data: LoggedRequest[] }>(controlUrl(sandbox, '/log'));
	return response.data.data;
}

/** Every call on the demo account, newest first. */
export async function sandboxCalls(sandbox: SandboxHandle): Promise<PublicCall[]> {
	const response = await control.get<{ data: PublicCall[] }>(controlUrl(sandbox, '/calls'));
	return response.data.data;
}

export interface OtherClient {
	/** Stops sending and waits for the requests still in flight. Returns how many were sent. */
	stop(): Promise<number>;
}

/**
 * Another system using the same account: GET /account at a steady `perSecond`, scheduled against its
 * start time so the rate does not drift. It only counts: a 429 is not retried.
 */
export function startOtherClient(
	sandbox: Pick<SandboxHandle, 'url' | 'apiKey' | 'apiSecret'>,
	perSecond: number,
): OtherClient {
	const periodMs = 1000 / perSecond;
	const started = Date.now();
	const pending = new Set<Promise<unknown>>();
	let sent = 0;
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	const tick = () => {
		if (stopped) return;
		const request = axios
			.get(`${sandbox.url}/account`, {
				headers: { 'x-api-key': sandbox.apiKey, 'x-api-secret': sandbox.apiSecret },
				validateStatus: () => true,
				timeout: 30_000,
			})
			.catch(() => undefined);
		pending.add(request);
		void request.finally(() => pending.delete(request));
		sent += 1;
		timer = setTimeout(tick, Math.max(0, started + sent * periodMs - Date.now()));
	};
	tick();
	return {
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			await Promise.all(pending);
			return sent;
		},
	};
}

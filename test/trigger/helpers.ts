/** Shared set-up for the trigger's behaviour tests: a manual-clock sandbox and the poll harness. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject } from 'n8n-workflow';

import type { LoggedRequest, RunningSandbox, SandboxOptions, SeedCallSpec } from '../../sandbox';
import { apiCredentials } from '../harness/engine';
import { TriggerHarness } from '../harness/poll';
import { useSandbox } from '../harness/sandbox';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** A fixed start so every run sees the same timestamps: 2026-06-04 09:00 IST. */
export const START_MS = Date.parse('2026-06-04T09:00:00+05:30');

/**
 * The suite's sandbox (test/harness/sandbox.ts) for trigger tests: the clock starts at START_MS and
 * the rate limit is off unless `options` say otherwise.
 */
export function useTriggerSandbox(options: SandboxOptions = {}): () => RunningSandbox {
	return useSandbox({ clock: { mode: 'manual', startMs: START_MS }, rateLimit: false, ...options });
}

/** A trigger talking to the sandbox (or to `url`, a proxy in front of it). */
export function triggerFor(
	sandbox: RunningSandbox,
	parameters: IDataObject = {},
	url = sandbox.url,
): TriggerHarness {
	return new TriggerHarness({ parameters, credentials: apiCredentials({ ...sandbox, url }) });
}

/** A call that is created `createdAgoMs` before the sandbox's now and finishes `finishInMs` from now (in progress until then). */
export function liveCall(
	sandbox: RunningSandbox,
	createdAgoMs: number,
	finishInMs: number,
	spec: SeedCallSpec = {},
): SeedCallSpec {
	const now = sandbox.control.now();
	return {
		status: 'completed',
		duration_sec: 5,
		...spec,
		created_at: now - createdAgoMs,
		finishAt: now + finishInMs,
	};
}

/** A call that finished at its creation, `createdAgoMs` before now. */
export function finishedCall(
	sandbox: RunningSandbox,
	createdAgoMs: number,
	spec: SeedCallSpec = {},
): SeedCallSpec {
	return { status: 'completed', ...spec, created_at: sandbox.control.now() - createdAgoMs };
}

export function seed(sandbox: RunningSandbox, specs: SeedCallSpec[]): string[] {
	return sandbox.control.seedCalls(specs).map((call) => call.unique_id);
}

export const idsOf = (calls: IDataObject[]): string[] =>
	calls.map((call) => String(call.unique_id));

/** GET /calls requests logged since the last clearLog(). */
export function listRequests(sandbox: RunningSandbox): LoggedRequest[] {
	return sandbox.control
		.requestLog()
		.filter((entry) => entry.method === 'GET' && entry.path === '/calls');
}

/** The tracker state the trigger keeps in its static data. */
export interface Tracker {
	latestMs: number | null;
	recentFromMs: number | null;
	follow: Array<[number, number]>;
	seen: Record<string, number>;
}

export function trackerOf(harness: TriggerHarness): Tracker {
	return harness.nodeStaticData().callTracker as Tracker;
}

/** Whether the next poll lists calls created at `createdMs` (whole seconds): the recent part or a follow range. */
export function nextPollLists(tracker: Tracker, createdMs: number): boolean {
	const sec = Math.floor(createdMs / 1000);
	if (tracker.recentFromMs === null || sec * 1000 >= tracker.recentFromMs) return true;
	return tracker.follow.some(([from, to]) => sec >= from && sec < to);
}

/**
 * A pass-through proxy in front of the sandbox that runs `afterResponse` once a response has been
 * fully sent, so a test can change the sandbox between two page requests of one poll, and answers
 * `delayMs` late, so a test can make pages slow whatever the machine's speed.
 */
export async function startProxy(
	sandbox: RunningSandbox,
	afterResponse: (url: URL) => void = () => undefined,
	delayMs = 0,
): Promise<{ url: string; close(): Promise<void> }> {
	const server = http.createServer((req, res) => {
		const upstream = http.request(
			`${sandbox.origin}${req.url ?? '/'}`,
			{ method: req.method, headers: req.headers },
			(reply) =>
				setTimeout(() => {
					res.writeHead(reply.statusCode ?? 502, reply.headers);
					reply.pipe(res);
					reply.on('end', () => afterResponse(new URL(req.url ?? '/', sandbox.origin)));
				}, delayMs),
		);
		// A reset or dropped upstream answer reaches the client as a dropped connection too.
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}${new URL(sandbox.url).pathname}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

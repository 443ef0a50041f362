/** Public, stable types of the sandbox's in-process API. Re-exported by sandbox/index.ts. */
import type { ClockOptions } from './clock';
import type { ScriptState, ScriptedOutcome } from './domain/outcomeScripts';

export type { ClockOptions, ScriptState, ScriptedOutcome };

export interface RateLimitOptions {
	limit: number;
	windowMs: number;
}

export interface SandboxOptions {
	/** Port on 127.0.0.1; default 0 (any free port). */
	port?: number;
	/** Default real time. */
	clock?: ClockOptions;
	/** Per-account request limit; default 120 per 60000 ms; false = unlimited (no RateLimit-* headers). */
	rateLimit?: RateLimitOptions | false;
	/** Verification calls per (account, number); default 5 per 600000 ms; false = unlimited. */
	otpNumberLimit?: RateLimitOptions | false;
	/** Historic calls seeded on the main demo account at start and on every reset; default 0. */
	seedCalls?: number;
	/** Every recording is a streamed WAV of this many bytes instead of a short tone (memory benchmarks). */
	recordingBytes?: number;
}

export interface RunningSandbox {
	/** Base URL ending in /api/public/v1. */
	url: string;
	/** http://127.0.0.1:PORT */
	origin: string;
	apiKey: string;
	apiSecret: string;
	control: SandboxControl;
	/** Closes promptly, destroying keep-alive and hanging sockets. */
	close(): Promise<void>;
}

export interface SandboxControl {
	now(): number;
	advanceClock(ms: number): void;
	injectFault(fault: FaultSpec): void;
	clearFaults(): void;
	/** Faults still waiting to fire (with their remaining counts). */
	pendingFaults(): FaultSpec[];
	/** Back to the seeded data; clears calls, OTP requests, rate windows, faults and the request log. The clock is untouched. */
	reset(): void;
	requestLog(): LoggedRequest[];
	clearLog(): void;
	otp(requestId: string): { code: string; message: string } | undefined;
	seedCalls(specs: number | SeedCallSpec[]): PublicCall[];
	/** Every call of the main demo account, public shape, most recent first. */
	calls(): PublicCall[];
	/**
	 * The next calls to `number` (any documented form) end as listed, one outcome per call, then the
	 * number is back to its usual outcome. Replaces the number's previous script; [] removes it.
	 * Demo account only; cleared by reset().
	 */
	scriptOutcomes(number: string, outcomes: ScriptedOutcome[]): void;
	/** Scripts set since the last reset (used-up ones too), with how many calls each has ended. */
	outcomeScripts(): ScriptState[];
	clearOutcomeScripts(): void;
}

export type FaultKind = 'status500' | 'status503' | 'reset' | 'hang' | 'html' | 'drop-response';

export interface FaultSpec {
	kind: FaultKind;
	/** e.g. 'POST'; default any. */
	method?: string;
	/** Path relative to the API base, prefix match, e.g. '/calls'; default any. */
	path?: string;
	/** Regular expression (source) tested against the path relative to the API base; both path and pathRegex must match when given. */
	pathRegex?: string;
	/**
	 * A recipient (9812345678, 919812345678 or +919812345678): the fault matches only requests whose JSON
	 * body's `number` is the same recipient in any of these forms. Implies method POST unless `method` is given.
	 */
	number?: string;
	/** Default 1. */
	count?: number;
}

export interface LoggedRequest {
	method: string;
	/** Relative to the API base, without query (the raw path when outside the base). */
	path: string;
	/** Full raw URL path + query. */
	url: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: unknown;
	rawBody: string;
	/** HTTP status sent (or that would have been sent, for drop-response); 0 for reset and hang faults. */
	status: number;
	/** Clock time at arrival (ms). */
	at: number;
}

export interface PublicCall {
	unique_id: string;
	call_id: string | null;
	direction: string;
	from_number: string | null;
	to_number: string | null;
	status: string | null;
	end_reason: string | null;
	duration_sec: number | null;
	campaign_id: number | null;
	reference_id: string | null;
	created_at: string | null;
}

export interface SeedCallSpec {
	number?: string;
	status?: string;
	end_reason?: string;
	created_at?: string | number;
	duration_sec?: number;
	reference_id?: string;
	direction?: 'inbound' | 'outbound';
	campaign_id?: number;
	/** Stays non-terminal until then, to simulate late completion. */
	finishAt?: string | number;
}

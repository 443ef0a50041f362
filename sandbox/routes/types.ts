/** The contract between the HTTP wiring and the per-resource route modules. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../clock';
import type { FixedWindowLimiter } from '../domain/rateWindow';
import type { Account, SandboxStore } from '../domain/store';
import type { Outgoing } from '../http/response';

export interface ApiContext {
	store: SandboxStore;
	clock: Clock;
	/** Verification calls per (account, number); null = unlimited. */
	otpLimiter: FixedWindowLimiter | null;
	/** When set, every recording is a streamed WAV of this many bytes (--recording-mb). */
	recordingBytes?: number;
}

export interface ApiRequest {
	params: Record<string, string>;
	query: Record<string, string>;
	/** Always an object for POST routes ({} when the body was empty). */
	body: Record<string, unknown>;
	headers: IncomingHttpHeaders;
	account: Account;
	/** Sanitised reference_id from the body (POST) or query (GET), for echoing. */
	referenceId: string | null;
	now: number;
}

export type Handler = (req: ApiRequest, ctx: ApiContext) => Outgoing;

export interface Route {
	method: 'GET' | 'POST';
	/** e.g. /calls/:unique_id/recording */
	pattern: string;
	handler: Handler;
}

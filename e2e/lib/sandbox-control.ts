/**
 * HTTP client for a sandbox child process (./sandbox.ts): its /__sandbox/ control routes and the public
 * API with the demo account's keys. See docs/notes/sandbox-readme.md for the routes.
 */
import axios, { type AxiosInstance } from 'axios';
import { sleep } from './proc';
import type { SandboxHandle } from './sandbox';

/** A call as List calls and GET /__sandbox/calls return it. */
export interface SandboxCall {
	unique_id: string;
	call_id: string;
	direction: string;
	from_number: string;
	to_number: string;
	status: string;
	end_reason: string | null;
	duration_sec: number | null;
	campaign_id: number | null;
	reference_id: string | null;
	created_at: string;
}

/** One API request as the sandbox logged it (`at` is on the sandbox clock). */
export interface SandboxLogEntry {
	method: string;
	path: string;
	query: Record<string, string>;
	body: unknown;
	status: number;
	at: number;
}

export interface SandboxOtp {
	request_id: string;
	number: string;
	code: string;
	message: string;
	status: string;
	attempts: number;
	max_attempts: number;
}

export class SandboxControl {
	private readonly control: AxiosInstance;
	private readonly api: AxiosInstance;

	constructor(sandbox: Pick<SandboxHandle, 'origin' | 'url' | 'apiKey' | 'apiSecret'>) {
		this.control = axios.create({ baseURL: `${sandbox.origin}/__sandbox`, timeout: 30_000 });
		this.api = axios.create({
			baseURL: sandbox.url,
			timeout: 30_000,
			headers: { 'x-api-key': sandbox.apiKey, 'x-api-secret': sandbox.apiSecret },
		});
	}

	/** The code the verification call "spoke". */
	async otp(requestId: string): Promise<SandboxOtp> {
		return (await this.control.get<SandboxOtp>(`/otp/${encodeURIComponent(requestId)}`)).data;
	}

	/** Every call of the demo account, newest first. */
	async calls(): Promise<SandboxCall[]> {
		return (await this.control.get<{ data: SandboxCall[] }>('/calls')).data.data;
	}

	/** API requests, oldest first (the sandbox keeps the last 5000). */
	async log(): Promise<SandboxLogEntry[]> {
		return (await this.control.get<{ data: SandboxLogEntry[] }>('/log')).data.data;
	}

	/**
	 * Resolves once a poll of the trigger has run: a List calls request appears in the log after entry
	 * `seen`, and then the log stays quiet for 2 s (a poll's pages follow each other at once).
	 */
	async untilPollDone(seen: number, timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		let entries = await this.log();
		while (
			!entries.slice(seen).some((entry) => entry.method === 'GET' && entry.path === '/calls')
		) {
			if (Date.now() > deadline)
				throw new Error(`No poll of the trigger within ${timeoutMs / 1000} s.`);
			await sleep(500);
			entries = await this.log();
		}
		for (;;) {
			await sleep(2000);
			const now = await this.log();
			if (now.length === entries.length) return;
			entries = now;
		}
	}

	async clearLog(): Promise<void> {
		await this.control.delete('/log');
	}

	/** Move the sandbox clock forward: calls placed before then reach their end. */
	async advanceClock(ms: number): Promise<void> {
		await this.control.post('/clock/advance', { ms });
	}

	/** POST /calls with the demo account's keys (as a customer's own system would). */
	async placeCall(
		body: Record<string, unknown>,
	): Promise<{ unique_id: string; reference_id: string | null }> {
		return (await this.api.post<{ unique_id: string; reference_id: string | null }>('/calls', body))
			.data;
	}
}

/** The sandbox's state and its in-process controls: one instance per running sandbox. */
import { createClock, type Clock } from './clock';
import { toPublicCall } from './domain/callRecord';
import { nationalDigits } from './domain/numbers';
import type { ScriptState, ScriptedOutcome } from './domain/outcomeScripts';
import { FixedWindowLimiter } from './domain/rateWindow';
import { seedCalls } from './domain/seed';
import { SandboxStore, type Account } from './domain/store';
import { FaultBook } from './faults';
import { DEMO_ACCOUNT } from './fixtures';
import { RequestLog } from './requestLog';
import type { ApiContext } from './routes/types';
import type {
	FaultSpec,
	LoggedRequest,
	PublicCall,
	RateLimitOptions,
	SandboxControl,
	SandboxOptions,
	SeedCallSpec,
} from './types';

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { limit: 120, windowMs: 60_000 };
export const DEFAULT_OTP_NUMBER_LIMIT: RateLimitOptions = { limit: 5, windowMs: 600_000 };

export class SandboxCore implements SandboxControl {
	readonly clock: Clock;
	readonly store = new SandboxStore();
	readonly faults = new FaultBook();
	readonly log = new RequestLog();
	/** Per-account requests; null = unlimited. */
	readonly limiter: FixedWindowLimiter | null;
	readonly api: ApiContext;
	private readonly historicCalls: number;

	constructor(options: SandboxOptions = {}) {
		this.clock = createClock(options.clock ?? { mode: 'real' });
		this.limiter = limiterFor(options.rateLimit, DEFAULT_RATE_LIMIT);
		this.historicCalls = options.seedCalls ?? 0;
		this.api = {
			store: this.store,
			clock: this.clock,
			otpLimiter: limiterFor(options.otpNumberLimit, DEFAULT_OTP_NUMBER_LIMIT),
			recordingBytes: options.recordingBytes,
		};
		this.seedHistory();
	}

	mainAccount(): Account {
		const account = this.store.accountByKey(DEMO_ACCOUNT.apiKey);
		if (!account) throw new Error('The demo account is missing from the store.');
		return account;
	}

	now(): number {
		return this.clock.now();
	}

	advanceClock(ms: number): void {
		this.clock.advance(ms);
	}

	injectFault(fault: FaultSpec): void {
		this.faults.add(fault);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	pendingFaults(): FaultSpec[] {
		return this.faults.pending();
	}

	reset(): void {
		this.store.reset();
		this.limiter?.clear();
		this.api.otpLimiter?.clear();
		this.faults.clear();
		this.log.clear();
		this.seedHistory();
	}

	requestLog(): LoggedRequest[] {
		return this.log.all();
	}

	clearLog(): void {
		this.log.clear();
	}

	otp(requestId: string): { code: string; message: string } | undefined {
		const request = this.store.otpById(requestId);
		return request ? { code: request.code, message: request.message } : undefined;
	}

	seedCalls(specs: number | SeedCallSpec[]): PublicCall[] {
		const now = this.clock.now();
		return seedCalls(this.store, this.mainAccount(), specs, now).map((call) =>
			toPublicCall(call, now),
		);
	}

	scriptOutcomes(number: string, outcomes: ScriptedOutcome[]): void {
		const digits = nationalDigits(number);
		if (digits === null) throw new Error(`Not a mobile number in a documented form: ${number}`);
		this.mainAccount().outcomeScripts.set(digits, outcomes);
	}

	outcomeScripts(): ScriptState[] {
		return this.mainAccount().outcomeScripts.list();
	}

	clearOutcomeScripts(): void {
		this.mainAccount().outcomeScripts.clear();
	}

	calls(): PublicCall[] {
		const now = this.clock.now();
		return Array.from(this.mainAccount().calls.newestFirst(), (call) => toPublicCall(call, now));
	}

	private seedHistory(): void {
		if (this.historicCalls > 0)
			seedCalls(this.store, this.mainAccount(), this.historicCalls, this.clock.now());
	}
}

function limiterFor(
	option: RateLimitOptions | false | undefined,
	fallback: RateLimitOptions,
): FixedWindowLimiter | null {
	if (option === false) return null;
	const { limit, windowMs } = option ?? fallback;
	return new FixedWindowLimiter(limit, windowMs);
}

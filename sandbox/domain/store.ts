/**
 * All mutable sandbox state, resettable to the seeded fixtures. Lookups are always scoped to an
 * account, so ids of one account are "not found" for another.
 */
import { ACCOUNTS, type AccountFixture, type AudioClip, type CampaignFixture } from '../fixtures';
import { CallBook } from './callBook';
import { callerIdKey } from './numbers';
import type { OtpRequest } from './otp';
import { OutcomeScripts } from './outcomeScripts';
import { firstRunNumber, noteRunNumber } from './runNumbers';

export interface Account {
	fixture: AccountFixture;
	audio: Map<number, AudioClip>;
	/** callerIdKey → the caller id as displayed. */
	callerIds: Map<string, string>;
	defaultCallerId: string;
	campaigns: Map<number, CampaignFixture>;
	calls: CallBook;
	/** OTP requests of this account by number, oldest first. */
	otpByNumber: Map<string, OtpRequest[]>;
	/** Scripted outcomes of the next calls to a number (POST /__sandbox/outcomes). */
	outcomeScripts: OutcomeScripts;
}

export class SandboxStore {
	private accountsByKey = new Map<string, Account>();
	private otps = new Map<string, OtpRequest>();
	/** Run numbers never go back, not even on reset: see runNumbers.ts. */
	private runCounter = firstRunNumber();
	private seqCounter = 1;

	constructor() {
		this.reset();
	}

	reset(): void {
		this.accountsByKey = new Map(
			ACCOUNTS.map((fixture) => [fixture.apiKey, buildAccount(fixture)]),
		);
		this.otps = new Map();
		this.seqCounter = 1;
	}

	accountByKey(apiKey: string): Account | undefined {
		return this.accountsByKey.get(apiKey);
	}

	accountById(id: string): Account | undefined {
		for (const account of this.accountsByKey.values())
			if (account.fixture.id === id) return account;
		return undefined;
	}

	nextRun(): number {
		noteRunNumber(this.runCounter);
		return this.runCounter++;
	}

	nextSeq(): number {
		return this.seqCounter++;
	}

	/** Whether run_N is taken by any account (run numbers are global, like database ids). */
	runTaken(run: number): boolean {
		for (const account of this.accountsByKey.values())
			if (account.calls.get(`run_${run}`)) return true;
		return false;
	}

	/** Keeps hand-picked run numbers (seeded campaign_id) from colliding with later automatic ones. */
	reserveRunsUpTo(run: number): void {
		if (run >= this.runCounter) this.runCounter = run + 1;
		noteRunNumber(run);
	}

	addOtp(account: Account, request: OtpRequest): void {
		this.otps.set(request.id, request);
		const list = account.otpByNumber.get(request.number) ?? [];
		list.push(request);
		account.otpByNumber.set(request.number, list);
	}

	otp(account: Account, id: string): OtpRequest | undefined {
		const request = this.otps.get(id);
		return request && request.accountId === account.fixture.id ? request : undefined;
	}

	/** For the control API: any account. */
	otpById(id: string): OtpRequest | undefined {
		return this.otps.get(id);
	}
}

function buildAccount(fixture: AccountFixture): Account {
	return {
		fixture,
		audio: new Map(fixture.audio.map((clip) => [clip.id, clip])),
		callerIds: new Map(fixture.callerIds.map((id) => [callerIdKey(id), id])),
		defaultCallerId: fixture.callerIds[0],
		campaigns: new Map(fixture.campaigns.map((campaign) => [campaign.id, campaign])),
		calls: new CallBook(),
		otpByNumber: new Map(),
		outcomeScripts: new OutcomeScripts(),
	};
}

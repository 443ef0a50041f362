/** Sending and finding verification requests; the state machine itself is in otp.ts. */
import { randomUUID } from 'node:crypto';
import { placeCall } from './calls';
import { statusAt } from './lifecycle';
import { generateCode, spokenMessage, verificationStatus, type OtpRequest } from './otp';
import type { Account, SandboxStore } from './store';

export interface SendOtpInput {
	nationalNumber: string;
	/** Caller-supplied code; generated with `length` digits when absent. */
	code: string | undefined;
	length: number;
	ttlSec: number;
	maxAttempts: number;
	message: string | undefined;
	callerId: string;
	referenceId: string | null;
}

export function sendOtp(
	store: SandboxStore,
	account: Account,
	input: SendOtpInput,
	now: number,
): OtpRequest | 'placement-error' {
	const id = randomUUID();
	const code = input.code ?? generateCode(input.length);
	const call = placeCall(
		store,
		account,
		{
			type: 'otp',
			nationalNumber: input.nationalNumber,
			audioId: null,
			dtmfMap: null,
			callerId: input.callerId,
			referenceId: input.referenceId,
			savedCampaignId: null,
			id,
		},
		now,
	);
	if (call === 'placement-error') return call;
	const request: OtpRequest = {
		id,
		accountId: account.fixture.id,
		number: `+91${input.nationalNumber}`,
		code,
		message: spokenMessage(code, input.message),
		createdAt: now,
		expiresAt: now + input.ttlSec * 1000,
		maxAttempts: input.maxAttempts,
		attempts: 0,
		verifiedAt: null,
		referenceId: input.referenceId,
	};
	store.addOtp(account, request);
	return request;
}

/** True once the verification call has ended without connecting: the code was never heard. */
export function otpCallFailed(account: Account, request: OtpRequest, now: number): boolean {
	const call = account.calls.get(request.id);
	if (!call) return false;
	const status = statusAt(call.timeline, now);
	return status === 'missed' || status === 'failed';
}

/**
 * The request a verify-by-number applies to: the most recent pending one; when none is pending,
 * the most recent one of any state, so the caller learns why (expired, used, …).
 */
export function requestForNumber(
	account: Account,
	number: string,
	now: number,
): OtpRequest | undefined {
	const list = account.otpByNumber.get(number);
	if (!list || list.length === 0) return undefined;
	for (let i = list.length - 1; i >= 0; i--) {
		const request = list[i];
		if (verificationStatus(request, now, otpCallFailed(account, request, now)) === 'pending')
			return request;
	}
	return list[list.length - 1];
}

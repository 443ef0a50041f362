import type { IDataObject } from 'n8n-workflow';

const LEASE_KEY = 'pollLeaseUntil';
/**
 * n8n starts a poll on every tick even if the previous one still runs; two polls on one state would
 * emit the same calls, so the second steps aside. The lease expires, so a crash blocks little.
 */
const LEASE_MS = 15 * 60_000;

export function acquireLease(staticData: IDataObject, nowMs = Date.now()): boolean {
	const heldUntil = staticData[LEASE_KEY];
	if (typeof heldUntil === 'number' && heldUntil > nowMs && heldUntil - nowMs <= LEASE_MS)
		return false;
	staticData[LEASE_KEY] = nowMs + LEASE_MS;
	return true;
}

export function releaseLease(staticData: IDataObject): void {
	delete staticData[LEASE_KEY];
}

import type { IDataObject } from 'n8n-workflow';

const LEASE_KEY = 'pollLeaseUntil';
/**
 * n8n starts a poll on every tick even if the previous one is still running (a long catch-up, a
 * slow API). Two polls reading the same state would emit the same calls, so the second one
 * steps aside. The lease expires on its own, so one left behind by a crash blocks nothing for long.
 * It uses this host's clock only to time itself, never to decide which calls are new.
 */
const LEASE_MS = 15 * 60_000;

/** True when this poll may run; false when another poll of this node holds a live lease. */
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

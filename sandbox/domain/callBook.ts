/**
 * One account's calls, kept sorted by (created second, seq) so listing is a reverse walk over a
 * binary-searched time range: no sort per request, and bulk seeding sorts once.
 */
import type { CallRecord } from './callRecord';
import { statusAt, type ListStatus } from './lifecycle';

export interface CallQuery {
	direction?: 'inbound' | 'outbound';
	status?: ListStatus;
	/** Inclusive. */
	fromMs?: number;
	/** Exclusive. */
	toMs?: number;
	/** +91XXXXXXXXXX; matches from_number or to_number. */
	number?: string;
}

export interface CallPage {
	items: CallRecord[];
	total: number;
}

const before = (a: CallRecord, b: CallRecord): boolean =>
	a.createdSec < b.createdSec || (a.createdSec === b.createdSec && a.seq < b.seq);

export class CallBook {
	private readonly sorted: CallRecord[] = [];
	private readonly byId = new Map<string, CallRecord>();

	get size(): number {
		return this.sorted.length;
	}

	add(call: CallRecord): void {
		let lo = 0;
		let hi = this.sorted.length;
		// Live calls are nearly always the newest: check the end first.
		if (hi === 0 || before(this.sorted[hi - 1], call)) lo = hi;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (before(this.sorted[mid], call)) lo = mid + 1;
			else hi = mid;
		}
		this.sorted.splice(lo, 0, call);
		this.index(call);
	}

	addMany(calls: CallRecord[]): void {
		for (const call of calls) {
			this.sorted.push(call);
			this.index(call);
		}
		this.sorted.sort((a, b) => a.createdSec - b.createdSec || a.seq - b.seq);
	}

	/** By unique_id or call_id. */
	get(id: string): CallRecord | undefined {
		return this.byId.get(id);
	}

	/** Most recent first. */
	*newestFirst(): Iterable<CallRecord> {
		for (let i = this.sorted.length - 1; i >= 0; i--) yield this.sorted[i];
	}

	list(query: CallQuery, now: number, offset: number, limit: number): CallPage {
		const lo =
			query.fromMs === undefined ? 0 : this.firstAtOrAfterSec(Math.ceil(query.fromMs / 1000));
		const hi =
			query.toMs === undefined
				? this.sorted.length
				: this.firstAtOrAfterSec(Math.ceil(query.toMs / 1000));
		const items: CallRecord[] = [];
		let total = 0;
		for (let i = hi - 1; i >= lo; i--) {
			const call = this.sorted[i];
			if (query.direction !== undefined && call.direction !== query.direction) continue;
			if (
				query.number !== undefined &&
				call.toNumber !== query.number &&
				call.fromNumber !== query.number
			)
				continue;
			if (query.status !== undefined && statusAt(call.timeline, now) !== query.status) continue;
			if (total >= offset && items.length < limit) items.push(call);
			total++;
		}
		return { items, total };
	}

	private index(call: CallRecord): void {
		this.byId.set(call.uniqueId, call);
		if (call.callId !== call.uniqueId) this.byId.set(call.callId, call);
	}

	private firstAtOrAfterSec(sec: number): number {
		let lo = 0;
		let hi = this.sorted.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.sorted[mid].createdSec < sec) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}
}

/** GET /calls: ordering, the exact call object, pagination and every filter. */
import type { PublicCall } from '../../sandbox';
import { expectError, expectSuccess, get, post, useSandbox } from './helpers';

const sandbox = useSandbox();
const CALL_FIELDS = [
	'unique_id',
	'call_id',
	'direction',
	'from_number',
	'to_number',
	'status',
	'end_reason',
	'duration_sec',
	'campaign_id',
	'reference_id',
	'created_at',
];
const ist = (iso: string) => Date.parse(iso);

async function list(
	query = '',
): Promise<{ data: PublicCall[]; pagination: Record<string, number> }> {
	const reply = await get(sandbox(), `/calls${query}`);
	expectSuccess(reply);
	return reply.json as unknown as { data: PublicCall[]; pagination: Record<string, number> };
}

describe('GET /calls: shape and order', () => {
	it('returns exactly the public call-object fields, created_at in IST (+05:30)', async () => {
		await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: '9812345678',
			audio_id: 12,
			reference_id: 'order-99213',
		});
		const { data } = await list();
		expect(Object.keys(data[0]).sort()).toEqual([...CALL_FIELDS].sort());
		expect(data[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:30$/);
		// The suite's clock starts at 2026-06-04 10:00:00 UTC = 15:30:00 IST.
		expect(data[0].created_at?.slice(0, 16)).toBe('2026-06-04T15:30');
	});

	it('most recent first, ties broken by creation order (newest first)', async () => {
		const seeded = sandbox().control.seedCalls([
			{ created_at: '2026-06-01T10:00:00+05:30', reference_id: 'old' },
			{ created_at: '2026-06-03T10:00:00+05:30', reference_id: 'tie-a' },
			{ created_at: '2026-06-03T10:00:00+05:30', reference_id: 'tie-b' },
			{ created_at: '2026-06-02T10:00:00+05:30', reference_id: 'mid' },
		]);
		expect(seeded).toHaveLength(4);
		const { data } = await list();
		expect(data.map((c) => c.reference_id)).toEqual(['tie-b', 'tie-a', 'mid', 'old']);
	});

	it('inbound calls: from is the customer, to is the account number, unique_id is the call id', async () => {
		sandbox().control.seedCalls([{ direction: 'inbound', number: '919876543210' }]);
		const [call] = (await list()).data;
		expect(call).toMatchObject({
			direction: 'inbound',
			from_number: '+919876543210',
			to_number: '07965318581',
			campaign_id: null,
		});
		expect(call.unique_id).toBe(call.call_id);
	});
});

describe('GET /calls: pagination', () => {
	beforeEach(() => {
		sandbox().control.seedCalls(137);
	});

	it('defaults to page 1 of 50', async () => {
		const { data, pagination } = await list();
		expect(data).toHaveLength(50);
		expect(pagination).toEqual({ page: 1, per_page: 50, total: 137, total_pages: 3 });
	});

	it('pages do not overlap and cover everything', async () => {
		const pages = await Promise.all([1, 2, 3].map((page) => list(`?page=${page}`)));
		const ids = pages.flatMap((p) => p.data.map((c) => c.unique_id));
		expect(new Set(ids).size).toBe(137);
		expect(pages[2].data).toHaveLength(37);
		const times = pages.flatMap((p) => p.data.map((c) => ist(String(c.created_at))));
		expect([...times].sort((a, b) => b - a)).toEqual(times);
	});

	it('per_page is capped at 100', async () => {
		const { data, pagination } = await list('?per_page=500');
		expect(data).toHaveLength(100);
		expect(pagination).toMatchObject({ per_page: 100, total_pages: 2 });
	});

	it('a page past the end is empty, not an error', async () => {
		const { data, pagination } = await list('?page=9');
		expect(data).toEqual([]);
		expect(pagination).toMatchObject({ page: 9, total: 137 });
	});

	it.each([
		['page=0', 'page must be a whole number >= 1.'],
		['page=-1', 'page must be a whole number >= 1.'],
		['page=abc', 'page must be a whole number >= 1.'],
		['page=1.5', 'page must be a whole number >= 1.'],
		['per_page=0', 'per_page must be a whole number >= 1 (the maximum is 100).'],
		['per_page=ten', 'per_page must be a whole number >= 1 (the maximum is 100).'],
	])('%s → 400', async (query, message) => {
		expectError(await get(sandbox(), `/calls?${query}`), 400, message);
	});

	it('no calls: total 0, total_pages 0', async () => {
		sandbox().control.reset();
		expect((await list()).pagination).toEqual({ page: 1, per_page: 50, total: 0, total_pages: 0 });
	});
});

describe('GET /calls: filters', () => {
	beforeEach(() => {
		sandbox().control.seedCalls([
			{
				number: '9811111111',
				direction: 'outbound',
				status: 'completed',
				created_at: '2026-06-01T09:00:00+05:30',
				reference_id: 'a',
			},
			{
				number: '9822222222',
				direction: 'inbound',
				status: 'missed',
				created_at: '2026-06-02T09:00:00+05:30',
				reference_id: 'b',
			},
			{
				number: '9811111111',
				direction: 'outbound',
				status: 'failed',
				end_reason: 'busy',
				created_at: '2026-06-03T09:00:00+05:30',
				reference_id: 'c',
			},
			{
				number: '9833333333',
				direction: 'outbound',
				status: 'in_progress',
				created_at: '2026-06-03T12:00:00+05:30',
				reference_id: 'd',
			},
			{
				number: '9844444444',
				direction: 'outbound',
				status: 'queued',
				created_at: '2026-06-03T12:30:00+05:30',
				reference_id: 'e',
			},
			{
				number: '9855555555',
				direction: 'outbound',
				status: 'ringing',
				created_at: '2026-06-03T13:00:00+05:30',
				reference_id: 'f',
			},
		]);
	});
	const refs = async (query: string) => (await list(query)).data.map((c) => c.reference_id);

	it('direction', async () => {
		expect(await refs('?direction=inbound')).toEqual(['b']);
		expect(await refs('?direction=outbound')).toEqual(['f', 'e', 'd', 'c', 'a']);
	});

	it.each([
		['queued', ['e']],
		['ringing', ['f']],
		['in_progress', ['d']],
		['completed', ['a']],
		['missed', ['b']],
		['failed', ['c']],
	])('status=%s', async (status, expected) => {
		expect(await refs(`?status=${status}`)).toEqual(expected);
	});

	it('number matches from or to, in any documented form', async () => {
		expect(await refs('?number=9811111111')).toEqual(['c', 'a']);
		expect(await refs('?number=%2B919822222222')).toEqual(['b']);
		expect(await refs('?number=919822222222')).toEqual(['b']);
	});

	it('from is inclusive, to is exclusive', async () => {
		expect(await refs(`?from=${encodeURIComponent('2026-06-02T09:00:00+05:30')}`)).toEqual([
			'f',
			'e',
			'd',
			'c',
			'b',
		]);
		expect(await refs(`?to=${encodeURIComponent('2026-06-02T09:00:00+05:30')}`)).toEqual(['a']);
	});

	it('offsets are honoured (Z and other zones)', async () => {
		// 2026-06-03T09:00:00+05:30 is 03:30Z.
		expect(await refs('?from=2026-06-03T03:30:00Z&to=2026-06-03T06:30:01Z')).toEqual(['d', 'c']);
		expect(await refs(`?from=${encodeURIComponent('2026-06-02T23:30:00-04:00')}`)).toEqual([
			'f',
			'e',
			'd',
			'c',
		]);
		expect(await refs(`?from=${encodeURIComponent('2026-06-02T23:30:01-04:00')}`)).toEqual([
			'f',
			'e',
			'd',
		]);
	});

	it('a date alone means IST midnight; a timestamp without offset is IST', async () => {
		expect(await refs('?from=2026-06-03')).toEqual(['f', 'e', 'd', 'c']);
		expect(await refs('?from=2026-06-02&to=2026-06-03')).toEqual(['b']);
		expect(await refs('?from=2026-06-03T12:00:00')).toEqual(['f', 'e', 'd']);
	});

	it('filters combine', async () => {
		expect(
			await refs('?direction=outbound&from=2026-06-03&status=failed&number=9811111111'),
		).toEqual(['c']);
		expect((await list('?direction=outbound&from=2026-06-03&per_page=2')).pagination).toEqual({
			page: 1,
			per_page: 2,
			total: 4,
			total_pages: 2,
		});
	});

	it('from after to is simply empty', async () => {
		expect(await refs('?from=2026-06-05&to=2026-06-01')).toEqual([]);
	});

	it('empty filter values are ignored', async () => {
		expect(await refs('?status=&direction=&number=')).toHaveLength(6);
	});

	it.each([
		['direction=sideways', 'direction must be inbound or outbound.'],
		[
			'status=answered',
			'status must be one of queued, ringing, in_progress, completed, failed, missed.',
		],
		['from=yesterday', 'from must be an ISO 8601 date or timestamp.'],
		['from=2026-13-01', 'from must be an ISO 8601 date or timestamp.'],
		['from=2026-02-30', 'from must be an ISO 8601 date or timestamp.'],
		['to=2026-06-01T25:00:00Z', 'to must be an ISO 8601 date or timestamp.'],
		['to=2026-06-01T10:00:00+05:30', 'to must be an ISO 8601 date or timestamp.'], // an unencoded + arrives as a space
		['to=1717400000', 'to must be an ISO 8601 date or timestamp.'],
		['number=abc', 'A valid Indian mobile number is required.'],
	])('%s → 400', async (query, message) => {
		expectError(await get(sandbox(), `/calls?${query}`), 400, message);
	});

	it('status filters follow the clock (a live call moves between filters)', async () => {
		sandbox().control.reset();
		await post(sandbox(), '/calls', { type: 'audio_blast', number: '9812345678', audio_id: 12 });
		expect((await list('?status=queued')).data).toHaveLength(1);
		sandbox().control.advanceClock(10 * 60_000);
		expect((await list('?status=queued')).data).toHaveLength(0);
		expect((await list('?status=completed')).data).toHaveLength(1);
	});
});

describe('GET /calls at scale', () => {
	it('10,000 seeded calls: the filters partition them, and every page is ordered', async () => {
		sandbox().control.seedCalls(10_000);
		expect((await list()).pagination.total).toBe(10_000);
		const statusTotals = await Promise.all(
			['queued', 'ringing', 'in_progress', 'completed', 'missed', 'failed'].map(
				async (status) => (await list(`?status=${status}&per_page=1`)).pagination.total,
			),
		);
		expect(statusTotals.reduce((a, b) => a + b, 0)).toBe(10_000);
		expect(statusTotals[3]).toBeGreaterThan(5_000); // ~60% completed
		const directions = await Promise.all(
			['inbound', 'outbound'].map(
				async (direction) => (await list(`?direction=${direction}&per_page=1`)).pagination.total,
			),
		);
		expect(directions[0] + directions[1]).toBe(10_000);
		const cutoff = new Date(sandbox().control.now() - 3 * 86_400_000).toISOString();
		const [before, after] = await Promise.all([
			list(`?to=${cutoff}&per_page=1`),
			list(`?from=${cutoff}&per_page=1`),
		]);
		expect(before.pagination.total + after.pagination.total).toBe(10_000);
		for (const page of [1, 50, 100]) {
			const { data } = await list(`?per_page=100&page=${page}&direction=outbound`);
			const times = data.map((c) => ist(String(c.created_at)));
			expect([...times].sort((a, b) => b - a)).toEqual(times);
			for (const call of data) expect(call.direction).toBe('outbound');
		}
	});
});

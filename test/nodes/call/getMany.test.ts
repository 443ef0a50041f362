/** Call › Get Many: pagination (Return All and Limit), filters as sent, one item per call. */
import { jsonOf, apiRequests, runNode, START_MS, useSandbox } from '../helpers';

const sandbox = useSandbox();

const getMany = (parameters: Record<string, unknown>) => ({
	resource: 'call',
	operation: 'getMany',
	...parameters,
});

function listQueries() {
	return apiRequests(sandbox(), 'GET', '/calls').map((entry) => entry.query);
}

describe('Call › Get Many: pagination', () => {
	beforeEach(() => sandbox().control.seedCalls(250));

	it('Return All reads every page at per_page=100 and outputs one item per call, most recent first', async () => {
		const result = await runNode(sandbox(), getMany({ returnAll: true }));
		expect(result.error).toBeUndefined();
		expect(listQueries()).toEqual([
			{ page: '1', per_page: '100' },
			{ page: '2', per_page: '100' },
			{ page: '3', per_page: '100' },
		]);
		expect(result.items).toHaveLength(250);
		expect(jsonOf(result.items).map((call) => call.unique_id)).toEqual(
			sandbox()
				.control.calls()
				.map((call) => call.unique_id),
		);
		expect(Object.keys(result.items[0].json).sort()).toEqual([
			'call_id',
			'campaign_id',
			'created_at',
			'direction',
			'duration_sec',
			'end_reason',
			'from_number',
			'reference_id',
			'status',
			'to_number',
			'unique_id',
		]);
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(
			true,
		);
	});

	it('a Limit above one page reads only the pages it needs', async () => {
		const result = await runNode(sandbox(), getMany({ returnAll: false, limit: 150 }));
		expect(listQueries()).toEqual([
			{ page: '1', per_page: '100' },
			{ page: '2', per_page: '100' },
		]);
		expect(result.items).toHaveLength(150);
		expect(result.items[149].json.unique_id).toBe(sandbox().control.calls()[149].unique_id);
	});

	it('a small Limit costs one request sized to the limit', async () => {
		const result = await runNode(sandbox(), getMany({ returnAll: false, limit: '30' }));
		expect(listQueries()).toEqual([{ page: '1', per_page: '30' }]);
		expect(result.items).toHaveLength(30);
	});

	it('a Limit beyond the total stops at the last page', async () => {
		const result = await runNode(sandbox(), getMany({ returnAll: false, limit: 1000 }));
		expect(listQueries().map((query) => query.page)).toEqual(['1', '2', '3']);
		expect(result.items).toHaveLength(250);
	});
});

describe('Call › Get Many: filters', () => {
	it('sends direction, status, number and dates with an explicit +05:30 offset', async () => {
		await runNode(
			sandbox(),
			getMany({
				returnAll: true,
				filters: {
					direction: 'outbound',
					status: 'completed',
					number: '98123-45678',
					from: '2026-06-01',
					to: '2026-06-04T12:00:00Z',
				},
			}),
		);
		expect(listQueries()).toEqual([
			{
				page: '1',
				per_page: '100',
				direction: 'outbound',
				status: 'completed',
				number: '+919812345678',
				from: '2026-06-01T00:00:00+05:30',
				to: '2026-06-04T17:30:00+05:30',
			},
		]);
	});

	it('accepts Luxon DateTime values from expressions', async () => {
		await runNode(
			sandbox(),
			getMany({
				returnAll: true,
				filters: {
					from: '={{ DateTime.fromISO("2026-06-03T08:00:00Z") }}',
					to: '={{ $json.until }}',
				},
			}),
			{
				items: [{ until: '2026-06-04T10:15:30.250+05:30' }],
			},
		);
		expect(listQueries()[0]).toMatchObject({
			from: '2026-06-03T13:30:00+05:30',
			to: '2026-06-04T10:15:30.250+05:30',
		});
	});

	it('the filters select the matching calls', async () => {
		const now = START_MS;
		sandbox().control.seedCalls([
			{ number: '9812345678', status: 'completed', created_at: now - 3_600_000 },
			{
				number: '9812345678',
				status: 'missed',
				end_reason: 'no_answer',
				created_at: now - 7_200_000,
			},
			{ number: '9898989898', status: 'completed', created_at: now - 3_600_000 },
			{ number: '9812345678', status: 'completed', created_at: now - 3 * 86_400_000 },
		]);
		const result = await runNode(
			sandbox(),
			getMany({
				returnAll: true,
				filters: {
					number: '9812345678',
					status: 'completed',
					from: '={{ DateTime.fromMillis($json.since) }}',
				},
			}),
			{ items: [{ since: now - 86_400_000 }] },
		);
		expect(jsonOf(result.items)).toEqual([
			expect.objectContaining({ to_number: '+919812345678', status: 'completed' }),
		]);
	});
});

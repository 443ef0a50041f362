import {
	MAX_FOLLOW_RANGES,
	planNextListing,
	SETTLE_MARGIN_MS,
} from '../../nodes/AgentiveVoiceTrigger/poll/state';

/** mulberry32, seeded: the same cases on every run. */
function prng(seedValue: number): () => number {
	let a = seedValue >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), a | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('Agentive Voice Trigger: planning the next listing', () => {
	const latestMs = Date.parse('2026-06-04T12:00:00+05:30');
	const settledSec = (latestMs - SETTLE_MARGIN_MS) / 1000;

	it('puts every unfinished call in the recent part or a range, in at most three ranges, for any spread', () => {
		const random = prng(7);
		for (let trial = 0; trial < 500; trial++) {
			const unfinished = Array.from(
				{ length: Math.floor(random() * 40) },
				() => settledSec - Math.floor(random() * 7200) + 60,
			);
			const listedSecs = Array.from(
				{ length: Math.floor(random() * 3000) },
				() => settledSec - Math.floor(random() * 7200) + 60,
			).sort((a, b) => a - b);
			const spans: Array<[number, number]> =
				random() < 0.5
					? [[Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]]
					: [[settledSec - 3600, Number.POSITIVE_INFINITY]];
			const plan = planNextListing(unfinished, latestMs, { secs: listedSecs, spans });

			expect(plan.follow.length).toBeLessThanOrEqual(MAX_FOLLOW_RANGES);
			const recentFromSec = Number(plan.recentFromMs) / 1000;
			expect(recentFromSec).toBeLessThanOrEqual(settledSec);
			// Sorted, disjoint, and all before the recent part.
			const bounds = [...plan.follow.flat(), recentFromSec];
			expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
			for (const sec of unfinished) {
				const listed =
					sec >= recentFromSec || plan.follow.some(([from, to]) => sec >= from && sec < to);
				expect(listed).toBe(true);
			}
		}
	});

	it('merges neighbours only when few calls lie between them, and keeps a lone stuck call apart', () => {
		const stuck = settledSec - 3600;
		const busy = Array.from({ length: 600 }, (_, i) => stuck + 1 + i * 5).sort((a, b) => a - b);
		const everything: Array<[number, number]> = [
			[Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
		];
		const apart = planNextListing([stuck], latestMs, { secs: busy, spans: everything });
		expect(apart.follow).toEqual([[stuck, stuck + 1]]);
		expect(apart.recentFromMs).toBe(settledSec * 1000);

		const quiet = planNextListing([stuck], latestMs, {
			secs: busy.slice(0, 10),
			spans: everything,
		});
		expect(quiet.follow).toEqual([]);
		expect(quiet.recentFromMs).toBe(stuck * 1000);
	});

	it('does not merge across a span it did not list (the count there is unknown)', () => {
		const older = settledSec - 3600;
		const plan = planNextListing([older], latestMs, {
			secs: [],
			spans: [
				[older, older + 1],
				[settledSec - 60, Number.POSITIVE_INFINITY],
			],
		});
		expect(plan.follow).toEqual([[older, older + 1]]);
	});

	it('lists from the newest call back while no call has been seen', () => {
		expect(planNextListing([], null, { secs: [], spans: [] })).toEqual({
			recentFromMs: null,
			follow: [],
		});
	});
});

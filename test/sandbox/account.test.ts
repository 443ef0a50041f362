/** GET /account: the balance, and what calls cost. */
import { DEMO_ACCOUNT, MAGIC_NUMBERS, TIMINGS } from '../../sandbox';
import { expectSuccess, get, post, useSandbox } from './helpers';

const sandbox = useSandbox();
const balance = async () =>
	((await get(sandbox(), '/account')).json.data as { balance_inr: number }).balance_inr;

describe('GET /account', () => {
	it('returns { data: { balance_inr, currency: "INR" } } in the envelope', async () => {
		const reply = await get(sandbox(), '/account');
		expectSuccess(reply);
		expect(reply.json).toEqual({
			status: 'success',
			code: 200,
			unique_id: null,
			reference_id: null,
			details: 'Account retrieved.',
			data: { balance_inr: DEMO_ACCOUNT.balanceInr, currency: 'INR' },
		});
	});

	it('a call is charged ₹0.50 per started minute once it completes', async () => {
		await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: MAGIC_NUMBERS.longCall,
			audio_id: 12,
		}); // 300 s = 5 minutes
		expect(await balance()).toBe(DEMO_ACCOUNT.balanceInr);
		sandbox().control.advanceClock(TIMINGS.answerAfterMs + 300_000);
		expect(await balance()).toBe(DEMO_ACCOUNT.balanceInr - 2.5);
	});

	it('unanswered calls cost nothing; 30 s costs one minute', async () => {
		await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: MAGIC_NUMBERS.noAnswer,
			audio_id: 12,
		});
		await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: MAGIC_NUMBERS.answered,
			audio_id: 12,
		});
		sandbox().control.advanceClock(10 * 60_000);
		expect(await balance()).toBe(DEMO_ACCOUNT.balanceInr - 0.5);
	});

	it('seeded history is not charged, and reset restores the balance', async () => {
		sandbox().control.seedCalls(50);
		expect(await balance()).toBe(DEMO_ACCOUNT.balanceInr);
		await post(sandbox(), '/calls', {
			type: 'audio_blast',
			number: MAGIC_NUMBERS.answered,
			audio_id: 12,
		});
		sandbox().control.advanceClock(10 * 60_000);
		expect(await balance()).toBeLessThan(DEMO_ACCOUNT.balanceInr);
		sandbox().control.reset();
		expect(await balance()).toBe(DEMO_ACCOUNT.balanceInr);
	});
});

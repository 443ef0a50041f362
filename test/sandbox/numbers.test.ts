/** Phone number format: the three documented forms are normalised; nothing else is accepted. */
import { expectError, get, post, useSandbox } from './helpers';

const sandbox = useSandbox();
const INVALID = 'A valid Indian mobile number is required.';
const placeTo = (number: unknown) =>
	post(sandbox(), '/calls', { type: 'audio_blast', number, audio_id: 12 });

describe('phone number format', () => {
	it.each(['9812345678', '919812345678', '+919812345678'])(
		'%s is normalised to +919812345678',
		async (form) => {
			const reply = await placeTo(form);
			expect(reply.status).toBe(200);
			expect(sandbox().control.calls()[0].to_number).toBe('+919812345678');
		},
	);

	it.each([
		['too short', '981234567'],
		['too long', '98123456789'],
		['leading zero', '09812345678'],
		['0091 prefix', '00919812345678'],
		['not a mobile (starts with 5)', '5812345678'],
		['inner spaces', '98123 45678'],
		['+91 then a space', '+91 9812345678'],
		['dashes', '98123-45678'],
		['surrounding whitespace', ' 9812345678 '],
		['letters', '98123abcde'],
		['+ without 91', '+9812345678'],
		['empty', ''],
	])('%s (%j) → 400', async (_label, form) => {
		expectError(await placeTo(form), 400, INVALID);
	});

	it.each([
		['a JSON number', 9812345678],
		['null', null],
		['an array', ['9812345678']],
	])('%s → 400', async (_label, value) => {
		expectError(await placeTo(value), 400, INVALID);
	});

	it('a missing number → 400', async () => {
		expectError(
			await post(sandbox(), '/calls', { type: 'audio_blast', audio_id: 12 }),
			400,
			INVALID,
		);
	});

	it('every endpoint taking a number uses the same rule', async () => {
		expectError(await post(sandbox(), '/otp/send', { number: '+91 98123 45678' }), 400, INVALID);
		expectError(
			await post(sandbox(), '/campaigns/57/trigger', { number: '0981234567' }),
			400,
			INVALID,
		);
		expectError(await post(sandbox(), '/otp/verify', { number: '12', code: '1234' }), 400, INVALID);
		expectError(await get(sandbox(), '/calls?number=12345'), 400, INVALID);
	});

	it('the number filter accepts each documented form', async () => {
		await placeTo('9812345678');
		for (const form of ['9812345678', '919812345678', '%2B919812345678']) {
			const reply = await get(sandbox(), `/calls?number=${form}`);
			expect((reply.json.pagination as { total: number }).total).toBe(1);
		}
	});
});

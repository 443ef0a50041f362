/**
 * Bad inputs are refused before any request: each is a NodeOperationError that names the field,
 * shows the bad value, says what is accepted and carries the item index; the sandbox sees nothing.
 */
import { apiRequests, nodeErrorOf, runNode, useSandbox } from '../helpers';

const sandbox = useSandbox();

type Parameters = Record<string, unknown>;

const audioBlast = (extra: Parameters): Parameters => ({
	resource: 'call',
	operation: 'place',
	callType: 'audio_blast',
	number: '9812345678',
	audioId: 12,
	...extra,
});
const press1 = (mapping: Parameters[]): Parameters => ({
	resource: 'call',
	operation: 'place',
	callType: 'press1',
	number: '9812345678',
	audioId: 18,
	keypadActions: { mapping },
});
const otpCall = (extra: Parameters): Parameters => ({
	resource: 'call',
	operation: 'place',
	callType: 'otp',
	number: '9812345678',
	...extra,
});
const sendCode = (extra: Parameters): Parameters => ({
	resource: 'verification',
	operation: 'sendCode',
	number: '9812345678',
	...extra,
});
const verifyById = (extra: Parameters): Parameters => ({
	resource: 'verification',
	operation: 'verifyCode',
	verifyBy: 'requestId',
	requestId: '5f3c8b2a-1d4e-4a9c-9e7b-2c6f0a1b3d8e',
	code: '1234',
	...extra,
});
const verifyByNumber = (extra: Parameters): Parameters => ({
	resource: 'verification',
	operation: 'verifyCode',
	verifyBy: 'number',
	number: '9812345678',
	code: '1234',
	...extra,
});
const getStatus = (uniqueId: string): Parameters => ({
	resource: 'call',
	operation: 'getStatus',
	uniqueId,
});
const download = (extra: Parameters): Parameters => ({
	resource: 'call',
	operation: 'downloadRecording',
	uniqueId: 'run_1',
	...extra,
});
const listCalls = (extra: Parameters): Parameters => ({
	resource: 'call',
	operation: 'getMany',
	returnAll: false,
	limit: 10,
	...extra,
});
const trigger = (extra: Parameters): Parameters => ({
	resource: 'campaign',
	operation: 'trigger',
	campaign: { __rl: true, mode: 'id', value: '57' },
	number: '9812345678',
	...extra,
});
const listCampaigns = (extra: Parameters): Parameters => ({
	resource: 'campaign',
	operation: 'getMany',
	returnAll: true,
	...extra,
});

/** An expression resolving to `value`, to get past n8n's own "required" checks as mapped data would. */
const expr = (value: unknown): string => `={{ ${JSON.stringify(value)} }}`;

const longText = 'x'.repeat(121);
const longEmoji = '😀'.repeat(121);

/** [case, parameters, the start of the expected message (field and shown value)]. */
const CASES: Array<[string, Parameters, string]> = [
	// Place › numbers
	[
		'too few digits',
		audioBlast({ number: '12345' }),
		'Invalid Number "12345": expected an Indian mobile number',
	],
	['a leading 0', audioBlast({ number: '09812345678' }), 'Invalid Number "09812345678"'],
	[
		'a landline with STD code',
		audioBlast({ number: '07965318581' }),
		'Invalid Number "07965318581"',
	],
	['not starting with 6-9', audioBlast({ number: '5812345678' }), 'Invalid Number "5812345678"'],
	['too many digits', audioBlast({ number: '+9198123456789' }), 'Invalid Number "+9198123456789"'],
	[
		'the 0091 prefix',
		audioBlast({ number: '0091 9812345678' }),
		'Invalid Number "0091 9812345678"',
	],
	['letters in the number', audioBlast({ number: '98123abc78' }), 'Invalid Number "98123abc78"'],
	[
		'a foreign number',
		audioBlast({ number: '+44 7911 123456' }),
		'Invalid Number "+44 7911 123456"',
	],
	['an empty number', audioBlast({ number: expr('') }), 'Invalid Number (empty)'],
	['91 without the rest', audioBlast({ number: '+91' }), 'Invalid Number "+91"'],
	// Issue 26: a JSON number must be a positive integer (its sign is not a separator).
	[
		'a negative JSON number',
		audioBlast({ number: '={{ -9812345678 }}' }),
		'Invalid Number -9812345678: expected an Indian mobile number',
	],
	[
		'a negative JSON number to verify',
		verifyByNumber({ number: '={{ -9812345678 }}' }),
		'Invalid Number -9812345678',
	],
	[
		'a fractional JSON number',
		sendCode({ number: '={{ 9812345678.5 }}' }),
		'Invalid Number 9812345678.5',
	],
	// Place › audio and type
	[
		'audio ID 0',
		audioBlast({ audioId: 0 }),
		'Invalid Audio ID 0: expected a whole number 1 or more',
	],
	['a negative audio ID', audioBlast({ audioId: -3 }), 'Invalid Audio ID -3'],
	['a fractional audio ID', audioBlast({ audioId: 1.5 }), 'Invalid Audio ID 1.5'],
	['audio ID with letters', audioBlast({ audioId: expr('12abc') }), 'Invalid Audio ID "12abc"'],
	['a hex audio ID', audioBlast({ audioId: expr('0x10') }), 'Invalid Audio ID "0x10"'],
	['an empty audio ID', audioBlast({ audioId: expr('') }), 'Invalid Audio ID (empty)'],
	[
		'an unknown call type',
		audioBlast({ callType: expr('robocall') }),
		'Invalid Call Type "robocall": expected one of audio_blast, press1, otp',
	],
	[
		'a reference ID over 120 characters',
		audioBlast({ referenceId: longText }),
		`Invalid Reference ID "${'x'.repeat(59)}…: expected text of at most 120 characters`,
	],
	[
		'a reference ID over 120 emoji',
		audioBlast({ referenceId: longEmoji }),
		'Invalid Reference ID "😀😀',
	],
	[
		'a caller ID with letters',
		audioBlast({ additionalFields: { callerId: 'my office' } }),
		'Invalid Additional Fields › Caller ID "my office"',
	],
	[
		'a too short caller ID',
		audioBlast({ additionalFields: { callerId: '12' } }),
		'Invalid Additional Fields › Caller ID "12"',
	],
	['timeout 0', audioBlast({ options: { timeoutMs: 0 } }), 'Invalid Options › Timeout (ms) 0'],
	[
		'timeout as words',
		audioBlast({ options: { timeoutMs: expr('soon') } }),
		'Invalid Options › Timeout (ms) "soon"',
	],
	[
		'a negative rate-limit wait',
		audioBlast({ options: { maxRateLimitWaitSec: -1 } }),
		'Invalid Options › Max Rate-Limit Wait (seconds) -1',
	],
	// Place › press 1 keypad
	[
		'a letter as digit',
		press1([{ digit: expr('A'), action: 'connect_agent' }]),
		'Invalid Keypad Actions › Digit (row 1) "A": expected one of 0-9, * or #',
	],
	[
		'a two-digit key',
		press1([
			{ digit: '1', action: 'connect_agent' },
			{ digit: expr('10'), action: 'repeat' },
		]),
		'Invalid Keypad Actions › Digit (row 2) "10"',
	],
	[
		'an unknown action',
		press1([{ digit: '1', action: expr('transfer') }]),
		'Invalid Keypad Actions › Action (row 1) "transfer": expected one of connect_agent, callback, opt_out, repeat',
	],
	[
		'an empty action',
		press1([{ digit: '1', action: expr('') }]),
		'Invalid Keypad Actions › Action (row 1) (empty)',
	],
	[
		'the same digit twice',
		press1([
			{ digit: '1', action: 'connect_agent' },
			{ digit: '1', action: 'repeat' },
		]),
		'Invalid Keypad Actions › Digit (row 2) "1": expected each digit once',
	],
	// Place › otp
	[
		'an own code of 3 digits',
		otpCall({ codeSource: 'custom', code: '123' }),
		'Invalid Own Code "123": expected a code of 4 to 8 digits',
	],
	[
		'an own code of 9 digits',
		otpCall({ codeSource: 'custom', code: '123456789' }),
		'Invalid Own Code "123456789"',
	],
	[
		'an own code with a letter',
		otpCall({ codeSource: 'custom', code: '12a4' }),
		'Invalid Own Code "12a4"',
	],
	['an empty own code', otpCall({ codeSource: 'custom', code: '' }), 'Invalid Own Code (empty)'],
	[
		'length 3',
		otpCall({ length: 3 }),
		'Invalid Code Length 3: expected a whole number from 4 to 8',
	],
	['length 9', otpCall({ length: 9 }), 'Invalid Code Length 9'],
	['a fractional length', otpCall({ length: expr('4.5') }), 'Invalid Code Length "4.5"'],
	[
		'a message without {code}',
		otpCall({ message: 'Your code is ready.' }),
		'Invalid Message "Your code is ready.": expected text containing the {code} token',
	],
	[
		'ttl 0',
		otpCall({ additionalFields: { ttl: 0 } }),
		'Invalid Additional Fields › Validity (Seconds) 0: expected a whole number from 1 to 86400',
	],
	[
		'ttl over a day',
		otpCall({ additionalFields: { ttl: 86401 } }),
		'Invalid Additional Fields › Validity (Seconds) 86401: expected a whole number from 1 to 86400',
	],
	[
		'max attempts over 10',
		sendCode({ additionalFields: { maxAttempts: 11 } }),
		'Invalid Additional Fields › Max Attempts 11: expected a whole number from 1 to 10',
	],
	[
		'a message over 500 characters',
		sendCode({ message: `{code} ${'x'.repeat(500)}` }),
		'Invalid Message "{code} xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (507 characters)": expected at most 500 characters',
	],
	[
		'a negative ttl',
		otpCall({ additionalFields: { ttl: -60 } }),
		'Invalid Additional Fields › Validity (Seconds) -60',
	],
	[
		'ttl in words',
		otpCall({ additionalFields: { ttl: expr('ten') } }),
		'Invalid Additional Fields › Validity (Seconds) "ten"',
	],
	[
		'max attempts 0',
		otpCall({ additionalFields: { maxAttempts: 0 } }),
		'Invalid Additional Fields › Max Attempts 0',
	],
	[
		'fractional max attempts',
		otpCall({ additionalFields: { maxAttempts: 2.5 } }),
		'Invalid Additional Fields › Max Attempts 2.5',
	],
	// Send Code
	['a short number', sendCode({ number: '98 123' }), 'Invalid Number "98 123"'],
	[
		'a spaced own code',
		sendCode({ codeSource: 'custom', code: '1 2 3 4' }),
		'Invalid Own Code "1 2 3 4"',
	],
	['length 10', sendCode({ length: 10 }), 'Invalid Code Length 10'],
	[
		'a code source not offered',
		sendCode({ codeSource: expr('sms') }),
		'Invalid Code "sms": expected one of generate, custom',
	],
	[
		'a message missing {code}',
		sendCode({ message: 'Hello from Acme' }),
		'Invalid Message "Hello from Acme"',
	],
	[
		'ttl with an exponent',
		sendCode({ additionalFields: { ttl: expr('1e3') } }),
		'Invalid Additional Fields › Validity (Seconds) "1e3"',
	],
	[
		'negative max attempts',
		sendCode({ additionalFields: { maxAttempts: expr('-1') } }),
		'Invalid Additional Fields › Max Attempts "-1"',
	],
	['a long reference ID', sendCode({ referenceId: longText }), 'Invalid Reference ID "xxx'],
	// Verify Code
	[
		'an empty request ID',
		verifyById({ requestId: expr('') }),
		'Invalid Request ID (empty): expected an id such as run_4821',
	],
	[
		'a request ID that walks the path',
		verifyById({ requestId: '../account' }),
		'Invalid Request ID "../account"',
	],
	['a request ID with a space', verifyById({ requestId: 'run 1' }), 'Invalid Request ID "run 1"'],
	['a bad number to verify', verifyByNumber({ number: '123' }), 'Invalid Number "123"'],
	['an empty number to verify', verifyByNumber({ number: expr('') }), 'Invalid Number (empty)'],
	[
		'an empty code',
		verifyById({ code: expr('') }),
		'Invalid Code (empty): expected a code of 4 to 8 digits',
	],
	['a code in letters', verifyById({ code: 'abcd' }), 'Invalid Code "abcd"'],
	['a 3-digit code', verifyById({ code: '123' }), 'Invalid Code "123"'],
	[
		'an unknown verify mode',
		verifyById({ verifyBy: expr('email') }),
		'Invalid Verify By "email": expected one of requestId, number',
	],
	// Get Status
	['an empty unique ID', getStatus(expr('')), 'Invalid Unique ID (empty)'],
	['a unique ID with a slash', getStatus('run_1/recording'), 'Invalid Unique ID "run_1/recording"'],
	['a blank unique ID', getStatus(expr('   ')), 'Invalid Unique ID (empty)'],
	// Download Recording
	['a query in the id', download({ uniqueId: '?x=1' }), 'Invalid Unique ID or Call ID "?x=1"'],
	[
		'an empty binary field',
		download({ binaryPropertyName: expr('') }),
		'Invalid Put Output File in Field (empty)',
	],
	[
		'a negative range start',
		download({ options: { rangeStart: -1 } }),
		'Invalid Options › Range Start (Byte) -1: expected a whole number 0 or more',
	],
	[
		'a range end before its start',
		download({ options: { rangeStart: 100, rangeEnd: 50 } }),
		'Invalid Options › Range End (Byte) 50: expected a byte at or after Range Start (100)',
	],
	[
		'a range end without a start',
		download({ options: { rangeEnd: 50 } }),
		'Invalid Options › Range Start (Byte) (empty): expected a start byte when Range End is set',
	],
	[
		'a range start in words',
		download({ options: { rangeStart: expr('abc') } }),
		'Invalid Options › Range Start (Byte) "abc"',
	],
	// Call › Get Many
	['limit 0', listCalls({ limit: 0 }), 'Invalid Limit 0: expected a whole number 1 or more'],
	['a negative limit', listCalls({ limit: -5 }), 'Invalid Limit -5'],
	['a fractional limit', listCalls({ limit: 2.5 }), 'Invalid Limit 2.5'],
	['a limit in words', listCalls({ limit: expr('many') }), 'Invalid Limit "many"'],
	[
		'from in words',
		listCalls({ filters: { from: 'yesterday' } }),
		'Invalid Filters › Created After "yesterday": expected an ISO 8601 date or timestamp',
	],
	[
		'a day-first date',
		listCalls({ filters: { from: '06/04/2026' } }),
		'Invalid Filters › Created After "06/04/2026"',
	],
	[
		'month 13',
		listCalls({ filters: { to: '2026-13-01' } }),
		'Invalid Filters › Created Before "2026-13-01"',
	],
	[
		'February 30',
		listCalls({ filters: { to: '2026-02-30' } }),
		'Invalid Filters › Created Before "2026-02-30"',
	],
	[
		'from after to',
		listCalls({ filters: { from: '2026-06-05', to: '2026-06-01' } }),
		'Invalid Filters › Created Before "2026-06-01": expected a time after Created After (2026-06-05T00:00:00+05:30)',
	],
	[
		'from equal to to',
		listCalls({ filters: { from: '2026-06-05T10:00:00+05:30', to: '2026-06-05T04:30:00Z' } }),
		'Invalid Filters › Created Before "2026-06-05T04:30:00Z"',
	],
	[
		'a bad number filter',
		listCalls({ filters: { number: '12345' } }),
		'Invalid Filters › Number "12345"',
	],
	[
		'an unknown direction',
		listCalls({ filters: { direction: expr('sideways') } }),
		'Invalid Filters › Direction "sideways": expected one of inbound, outbound',
	],
	[
		'a call_status value as a list status',
		listCalls({ filters: { status: expr('answered') } }),
		'Invalid Filters › Status "answered": expected one of queued, ringing, in_progress, completed, missed, failed',
	],
	// Campaign › Trigger
	[
		'a campaign ID in words',
		trigger({ campaign: { __rl: true, mode: 'id', value: expr('abc') } }),
		'Invalid Campaign "abc": expected a whole number 1 or more',
	],
	[
		'campaign 0',
		trigger({ campaign: { __rl: true, mode: 'id', value: '0' } }),
		'Invalid Campaign "0"',
	],
	[
		'no campaign picked',
		trigger({ campaign: { __rl: true, mode: 'list', value: expr('') } }),
		'Invalid Campaign (empty)',
	],
	[
		'a bad number to trigger',
		trigger({ number: '+91 12345 67890' }),
		'Invalid Number "+91 12345 67890"',
	],
	[
		'a long reference ID to trigger',
		trigger({ referenceId: longText }),
		'Invalid Reference ID "xxx',
	],
	// Campaign › Get Many and Account
	['campaign limit 0', listCampaigns({ returnAll: false, limit: 0 }), 'Invalid Limit 0'],
	[
		'an unknown campaign type',
		listCampaigns({ filters: { types: expr(['ai_agent']) } }),
		'Invalid Filters › Types "ai_agent": expected one of audio_blast, press1, otp',
	],
	[
		'a negative timeout on Get Balance',
		{ resource: 'account', operation: 'getBalance', options: { timeoutMs: -1 } },
		'Invalid Options › Timeout (ms) -1',
	],
];

describe('bad inputs are refused before any request', () => {
	it('covers at least 60 cases', () => {
		expect(CASES.length).toBeGreaterThanOrEqual(60);
	});

	it.each(CASES)('%s', async (_name, parameters, expectedStart) => {
		const result = await runNode(sandbox(), parameters);
		const error = nodeErrorOf(result);
		expect(error.name).toBe('NodeOperationError');
		expect(error.message.startsWith(expectedStart)).toBe(true);
		expect(error.message).toMatch(/: expected .+/);
		expect(error.description).toEqual(expect.any(String));
		expect(error.context?.itemIndex).toBe(0);
		expect(apiRequests(sandbox())).toHaveLength(0);
	});
});

/** The bad value only in the second item: the first is sent, the second is refused and named. */
const SECOND_ITEM_CASES: Array<[string, Parameters, string | number, string | number, string]> = [
	[
		'number',
		audioBlast({ number: '={{ $json.v }}' }),
		'9812345678',
		'98765',
		'Invalid Number "98765"',
	],
	['audio ID', audioBlast({ audioId: '={{ $json.v }}' }), 12, '-1', 'Invalid Audio ID "-1"'],
	[
		'own code',
		sendCode({ codeSource: 'custom', code: '={{ $json.v }}' }),
		'4821',
		'48',
		'Invalid Own Code "48"',
	],
	['code length', sendCode({ length: '={{ $json.v }}' }), '6', 12, 'Invalid Code Length 12'],
	[
		'reference ID',
		sendCode({ referenceId: '={{ $json.v }}' }),
		'ok',
		longText,
		'Invalid Reference ID "xxx',
	],
	['verify code', verifyById({ code: '={{ $json.v }}' }), '1234', '12-34', 'Invalid Code "12-34"'],
	[
		'from date',
		listCalls({ filters: { from: '={{ $json.v }}' } }),
		'2026-06-01',
		'last week',
		'Invalid Filters › Created After "last week"',
	],
	['limit', listCalls({ limit: '={{ $json.v }}' }), 5, '0', 'Invalid Limit "0"'],
];

describe('the failing item is named by its index, and items before it were processed', () => {
	it.each(SECOND_ITEM_CASES)('%s', async (_name, parameters, good, bad, expectedStart) => {
		const result = await runNode(sandbox(), parameters, { items: [{ v: good }, { v: bad }] });
		const error = nodeErrorOf(result);
		expect(error.name).toBe('NodeOperationError');
		expect(error.message.startsWith(expectedStart)).toBe(true);
		expect(error.context?.itemIndex).toBe(1);
		expect(apiRequests(sandbox())).toHaveLength(1);
	});
});

/**
 * The fuzz's model of every operation: its fields, each fed from `$json` by an expression (as a
 * mapped field would be), with an arbitrary that mixes accepted, borderline and plainly bad values,
 * and the values of a good item. The suite does not predict which values are good: it checks that
 * whatever the node does is one of the two allowed outcomes (fuzz.test.ts).
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { KEYPAD_ACTIONS, KEYPAD_DIGITS } from '../../nodes/shared/apiFacts';
import { DEMO } from '../../sandbox';

type Arb = fc.Arbitrary<unknown>;

/** Anything a mapped field might carry: text, numbers of every kind, null, lists, objects. */
export const junk: Arb = fc.oneof(
	fc.string({ maxLength: 12 }),
	fc.string({ unit: 'grapheme', maxLength: 8 }),
	fc.integer(),
	fc.double(),
	fc.constantFrom(null, true, false, '', '   ', 'NaN', '1e3', '0x10', '１２３４', '-0'),
	fc.array(fc.integer(), { maxLength: 2 }),
	fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

const mobile = fc.oneof(
	fc.integer({ min: 6e9, max: 8_999_999_999 }),
	fc.integer({ min: 9.1e9, max: 9_999_999_999 }),
);

/** Indian mobiles in every documented form, with separators, and near misses. */
export const phone: Arb = fc.oneof(
	mobile.map(String),
	mobile,
	mobile.map((n) => `+91${n}`),
	mobile.map((n) => `91 ${String(n).slice(0, 5)}-${String(n).slice(5)}`),
	mobile.map((n) => -n),
	mobile.map((n) => `0${n}`),
	mobile.map((n) => `+44${n}`),
	mobile.map((n) => String(n).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))),
	fc.integer({ min: 0, max: 5_999_999_999 }),
	junk,
);

/** Whole numbers around [min, max]: inside, at and past the bounds, fractions, numeric text. */
export function whole(min: number, max: number): Arb {
	const inside = fc.integer({ min, max });
	return fc.oneof(
		inside,
		inside.map(String),
		fc.constantFrom(min - 1, max + 1, 2 ** 31, 2 ** 53, -(2 ** 31), min + 0.5),
		fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }),
		fc.integer({ min: Number.MIN_SAFE_INTEGER, max: min - 1 }),
		junk,
	);
}

/** Dates: ISO text of every instant JavaScript can hold (±YYYYYY years too), date-only, junk. */
const date: Arb = fc.oneof(
	fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
	fc
		.date({ min: new Date('1000-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
		.map((d) => d.toISOString().slice(0, 10)),
	fc.constantFrom(
		'9999-12-31T23:59:59Z',
		'0000-01-01T00:00:00-12:00',
		'2026-02-30',
		'2026-06-04T24:00',
	),
	junk,
);

const id: Arb = fc.oneof(
	fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/),
	fc.constantFrom('../account', 'a/b', '?x=1', 'run 1'),
	junk,
);
const code: Arb = fc.oneof(
	fc.stringMatching(/^\d{4,8}$/),
	fc.integer({ min: 0, max: 999_999_999 }),
	junk,
);
const text = (maxLength: number): Arb =>
	fc.oneof(
		fc.string({ maxLength }),
		fc.string({ minLength: maxLength - 2, maxLength: maxLength + 5 }),
		junk,
	);
const oneOf = (values: readonly unknown[]): Arb => fc.oneof(fc.constantFrom(...values), junk);

export interface Field {
	key: string;
	arbitrary: Arb;
	/** What a good item carries. */
	good: unknown;
	/** When set: true for a value the API documents, the only kind that may be sent. */
	documented?: (value: unknown) => boolean;
}

/**
 * The spec's number forms, an oracle apart from the node's own rule: text with spaces, dashes,
 * dots or brackets between digits, or a JSON number that is a positive integer.
 */
/** For an optional filter: empty means "not set", which is documented too. */
const optional =
	(documented: (value: unknown) => boolean) =>
	(value: unknown): boolean =>
		value === null ||
		value === undefined ||
		(typeof value === 'string' && value.trim() === '') ||
		documented(value);

export function documentedNumber(value: unknown): boolean {
	const forms = /^(\+91|91)?[6-9]\d{9}$/;
	if (typeof value === 'number')
		return Number.isSafeInteger(value) && value > 0 && forms.test(String(value));
	return typeof value === 'string' && forms.test(value.replace(/[\s\-.()]/g, ''));
}

export interface Operation {
	name: string;
	fields: Field[];
	/** Node parameters; `x(key)` is the expression that reads the field from the item. */
	parameters: (x: (key: string) => string) => IDataObject;
	/** The good items' phone numbers must differ, or the re-run guard and OTP limits would join them. */
	numberKey?: string;
}

const x = (key: string) => `={{ $json.${key} }}`;
/** Timeouts under 2 s are left out: a 1 ms timeout is valid but only makes the run slow. */
const timeoutField: Field = {
	key: 'timeout',
	arbitrary: whole(1, 3_600_000).filter(
		(v) =>
			!((typeof v === 'number' || typeof v === 'string') && Number(v) >= 1 && Number(v) < 2000),
	),
	good: 20_000,
};
const waitField: Field = { key: 'wait', arbitrary: whole(0, 3600), good: 0 };
const readOptions = { timeoutMs: x('timeout'), maxRateLimitWaitSec: x('wait') };

const place = (callType: string, extra: IDataObject) => ({
	resource: 'call',
	operation: 'place',
	callType,
	number: x('number'),
	...extra,
});

export const OPERATIONS: Operation[] = [
	{
		name: 'Call › Place (audio blast)',
		numberKey: 'number',
		fields: [
			{ key: 'number', arbitrary: phone, good: '9812345601', documented: documentedNumber },
			{
				key: 'audio',
				arbitrary: oneOf([
					DEMO.audioIds.orderConfirmation,
					DEMO.audioIds.marchPromo,
					'25',
					0,
					-12,
					12.5,
				]),
				good: 12,
			},
			{ key: 'ref', arbitrary: text(120), good: 'order-1' },
			{ key: 'skip', arbitrary: whole(0, 525_600), good: 0 },
			{
				key: 'callerId',
				arbitrary: oneOf([DEMO.callerIds.default, '+91 79 6531 8581', '12', 'office']),
				good: DEMO.callerIds.default,
			},
			timeoutField,
			waitField,
		],
		parameters: () =>
			place('audio_blast', {
				audioId: x('audio'),
				referenceId: x('ref'),
				additionalFields: { callerId: x('callerId') },
				options: { ...readOptions, skipCalledWithinMinutes: x('skip') },
			}),
	},
	{
		name: 'Call › Place (press 1)',
		numberKey: 'number',
		fields: [
			{ key: 'number', arbitrary: phone, good: '9812345601', documented: documentedNumber },
			{ key: 'digit', arbitrary: oneOf([...KEYPAD_DIGITS, 5, 10, '**']), good: '1' },
			{ key: 'action', arbitrary: oneOf([...KEYPAD_ACTIONS, 'transfer']), good: 'connect_agent' },
		],
		parameters: () =>
			place('press1', {
				audioId: 18,
				keypadActions: { mapping: [{ digit: x('digit'), action: x('action') }] },
			}),
	},
	{
		name: 'Call › Place (otp)',
		numberKey: 'number',
		fields: [
			{ key: 'number', arbitrary: phone, good: '9812345601', documented: documentedNumber },
			{ key: 'length', arbitrary: whole(4, 8), good: 6 },
			{
				key: 'message',
				arbitrary: oneOf(['Your code is {code}', 'no token', `{code}${'x'.repeat(500)}`]),
				good: 'Code {code}',
			},
			{ key: 'ttl', arbitrary: whole(1, 86_400), good: 300 },
			{ key: 'attempts', arbitrary: whole(1, 10), good: 3 },
		],
		parameters: () =>
			place('otp', {
				length: x('length'),
				message: x('message'),
				additionalFields: { ttl: x('ttl'), maxAttempts: x('attempts') },
			}),
	},
	{
		name: 'Verification › Send Code (own code)',
		numberKey: 'number',
		fields: [
			{ key: 'number', arbitrary: phone, good: '9812345601', documented: documentedNumber },
			{ key: 'code', arbitrary: code, good: '4821' },
			{ key: 'ref', arbitrary: text(120), good: 'signup-1' },
			timeoutField,
		],
		parameters: () => ({
			resource: 'verification',
			operation: 'sendCode',
			number: x('number'),
			codeSource: 'custom',
			code: x('code'),
			referenceId: x('ref'),
			options: { timeoutMs: x('timeout') },
		}),
	},
	{
		name: 'Verification › Verify Code',
		fields: [
			{ key: 'request', arbitrary: id, good: '5f3c8b2a-1d4e-4a9c-9e7b-2c6f0a1b3d8e' },
			{ key: 'code', arbitrary: code, good: '1234' },
		],
		parameters: () => ({
			resource: 'verification',
			operation: 'verifyCode',
			verifyBy: 'requestId',
			requestId: x('request'),
			code: x('code'),
		}),
	},
	{
		name: 'Call › Get Status',
		fields: [{ key: 'id', arbitrary: id, good: 'run_1' }, timeoutField, waitField],
		parameters: () => ({
			resource: 'call',
			operation: 'getStatus',
			uniqueId: x('id'),
			options: readOptions,
		}),
	},
	{
		name: 'Call › Get Many',
		fields: [
			{ key: 'limit', arbitrary: whole(1, 1000), good: 5 },
			{ key: 'from', arbitrary: date, good: '2026-01-01' },
			{ key: 'to', arbitrary: date, good: '9999-12-31T23:59:59Z' },
			{ key: 'direction', arbitrary: oneOf(['inbound', 'outbound', 'Inbound']), good: 'outbound' },
			{ key: 'status', arbitrary: oneOf(['completed', 'missed', 'answered']), good: 'completed' },
			{
				key: 'number',
				arbitrary: phone,
				good: '9812345601',
				documented: optional(documentedNumber),
			},
		],
		parameters: () => ({
			resource: 'call',
			operation: 'getMany',
			returnAll: false,
			limit: x('limit'),
			filters: {
				from: x('from'),
				to: x('to'),
				direction: x('direction'),
				status: x('status'),
				number: x('number'),
			},
		}),
	},
	{
		name: 'Call › Download Recording',
		fields: [
			{ key: 'id', arbitrary: id, good: 'run_1' },
			{ key: 'start', arbitrary: whole(0, 2000), good: 0 },
			{ key: 'end', arbitrary: whole(0, 4000), good: 99 },
		],
		parameters: () => ({
			resource: 'call',
			operation: 'downloadRecording',
			uniqueId: x('id'),
			options: { rangeStart: x('start'), rangeEnd: x('end') },
		}),
	},
	{
		name: 'Campaign › Trigger',
		numberKey: 'number',
		fields: [
			{
				key: 'campaign',
				arbitrary: oneOf([
					DEMO.campaigns.audioBlast,
					DEMO.campaigns.press1,
					'57',
					0,
					-57,
					5.7,
					123_456,
				]),
				good: DEMO.campaigns.audioBlast,
			},
			{ key: 'number', arbitrary: phone, good: '9812345601', documented: documentedNumber },
			{ key: 'ref', arbitrary: text(120), good: 'campaign-1' },
		],
		parameters: () => ({
			resource: 'campaign',
			operation: 'trigger',
			campaign: { __rl: true, mode: 'id', value: x('campaign') },
			number: x('number'),
			referenceId: x('ref'),
		}),
	},
	{
		name: 'Campaign › Get Many',
		fields: [
			{ key: 'limit', arbitrary: whole(1, 1000), good: 2 },
			{
				key: 'types',
				arbitrary: oneOf(['audio_blast', ['press1', 'otp'], 'ai_agent', []]),
				good: ['audio_blast'],
			},
		],
		parameters: () => ({
			resource: 'campaign',
			operation: 'getMany',
			returnAll: false,
			limit: x('limit'),
			filters: { types: x('types') },
		}),
	},
	{
		name: 'Account › Get Balance',
		fields: [timeoutField, waitField],
		parameters: () => ({ resource: 'account', operation: 'getBalance', options: readOptions }),
	},
];

/**
 * One fuzzed item of `operation`: each field from its arbitrary, or (two times in three) its good
 * value, so that runs also reach the API with one or two odd values among good ones.
 */
export function itemArbitrary(operation: Operation): fc.Arbitrary<IDataObject> {
	const fields = operation.fields.map((field) => [
		field.key,
		fc.oneof(
			{ arbitrary: fc.constant(field.good), weight: 2 },
			{ arbitrary: field.arbitrary, weight: 1 },
		),
	]);
	return fc.record(Object.fromEntries(fields)) as fc.Arbitrary<IDataObject>;
}

/** A good item; `index` makes its phone number its own. */
export function goodItem(operation: Operation, index: number): IDataObject {
	const item = Object.fromEntries(
		operation.fields.map((field) => [field.key, field.good]),
	) as IDataObject;
	if (operation.numberKey) item[operation.numberKey] = `98123456${String(10 + index)}`;
	return item;
}

export { x as fieldExpression };

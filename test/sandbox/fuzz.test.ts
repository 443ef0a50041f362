/**
 * Fuzz: 600+ malformed requests from a seeded PRNG. Every one must get an enveloped 4xx whose
 * code matches the HTTP status, nothing may be created, and the server must stay up.
 */
import { Agent } from 'node:http';
import { MAGIC_NUMBERS, startSandbox, type RunningSandbox } from '../../sandbox';
import { seededRandom } from '../../sandbox/domain/random';
import { get, post, rawExchange, send, type Reply, type SendOptions } from './helpers';

const SEED = 20260604;
const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (max: number) => Math.floor(random() * max);
const junk = (length: number) =>
	Array.from({ length }, () => String.fromCharCode(32 + int(95))).join('');

interface Case {
	label: string;
	method: string;
	path: string;
	options: SendOptions;
}

const BAD_NUMBERS: unknown[] = [
	'',
	'123',
	'98123 45678',
	'+91-9812345678',
	'09812345678',
	9812345678,
	null,
	true,
	[],
	{},
	'+1 202 555 0100',
	'nine eight one',
];
const BAD_JSON = [
	'{',
	'{"type":',
	'{"type":"audio_blast",}',
	"{'a':1}",
	'undefined',
	'{"a":1}}',
	'NaN',
	'\u0000\u0001',
	'[1,2',
	'{"number":"98123"',
];
const ODD_TYPES: unknown[] = [null, 0, -1, 1.5, 'x', '', [], {}, true, 'Infinity'];

function badBodyCase(): Case {
	return {
		label: 'bad JSON',
		method: 'POST',
		path: pick(['/calls', '/otp/send', '/otp/verify', '/campaigns/57/trigger']),
		options: { body: pick(BAD_JSON) + (random() < 0.3 ? junk(int(40)) : '') },
	};
}

function wrongTypesCase(): Case {
	const kind = int(4);
	if (kind === 0)
		return {
			label: 'POST /calls wrong types',
			method: 'POST',
			path: '/calls',
			options: {
				body: {
					type: pick(['audio_blast', 'press1', 'otp', 'sms', 5, null]),
					number: pick(BAD_NUMBERS),
					audio_id: pick(ODD_TYPES),
					dtmf_map: pick(ODD_TYPES),
					reference_id: pick(['r', 5]),
				},
			},
		};
	if (kind === 1)
		return {
			label: 'POST /otp/send wrong types',
			method: 'POST',
			path: '/otp/send',
			options: {
				body: {
					number: pick(BAD_NUMBERS),
					code: pick(ODD_TYPES),
					length: pick(ODD_TYPES),
					ttl: pick(ODD_TYPES),
				},
			},
		};
	if (kind === 2)
		return {
			label: 'POST /otp/verify wrong types',
			method: 'POST',
			path: '/otp/verify',
			options: {
				body: {
					code: pick([null, 1234, '', [], {}]),
					request_id: pick(ODD_TYPES),
					number: pick(BAD_NUMBERS),
				},
			},
		};
	return {
		label: 'trigger wrong types',
		method: 'POST',
		path: `/campaigns/${pick(['57', '61', '72', '80', '88', '999', 'abc', '-1', '1e3'])}/trigger`,
		options: { body: { number: pick(BAD_NUMBERS) } },
	};
}

function hugeBodyCase(): Case {
	return {
		label: 'huge body',
		method: 'POST',
		path: pick(['/calls', '/otp/send']),
		options: { body: `{"pad":"${'x'.repeat(1_048_577 + int(50_000))}"}` },
	};
}

function oddHeadersCase(): Case {
	const headers = pick<Record<string, string>>([
		{ 'x-api-key': junk(1 + int(60)) },
		{ 'x-api-key': `pk_live_${junk(32).replace(/\s/g, 'x')}`, 'x-api-secret': junk(10) },
		{ Authorization: `Basic ${junk(int(30)).replace(/\s/g, '=')}` },
		{ Authorization: `Basic ${Buffer.from(`${junk(8)}:${junk(8)}`).toString('base64')}` },
		{ Authorization: 'Bearer sk_live_x', 'Content-Type': 'text/plain' },
		{ 'x-api-secret': 'sk_live_sandboxdemo000000000000000000001' },
		{ 'x-api-key': 'pk_live_sandboxdemo000000000000000000001', 'x-api-secret': junk(40) },
		{
			'x-api-key': 'pk_live_sandboxinactive00000000000000003',
			'x-api-secret': 'sk_live_sandboxinactive00000000000000003',
		},
		{
			'x-api-key': 'pk_live_sandboxnoapi00000000000000000004',
			'x-api-secret': 'sk_live_sandboxnoapi00000000000000000004',
			Accept: '*/*;q=garbage',
		},
	]);
	return {
		label: 'odd headers',
		method: pick(['GET', 'POST']),
		path: pick(['/calls', '/account', '/campaigns', '/otp/send']),
		options: {
			auth: false,
			headers,
			body:
				random() < 0.5 ? { number: '9812345678', type: 'audio_blast', audio_id: 12 } : undefined,
		},
	};
}

function badRangeCase(noRecordingId: string, recordingId: string): Case {
	const unsatisfiable = random() < 0.5;
	const range = unsatisfiable
		? pick(['bytes=999999999-', 'bytes=-0', 'bytes=70000-10', `bytes=${1_000_000 + int(1e6)}-`])
		: pick([
				'bytes=abc',
				'bytes=--1',
				'items=0-1',
				`bytes=${junk(5)}`,
				'bytes=0-1,2-3',
				'bytes=',
				'',
			]);
	return {
		label: `range ${range}`,
		method: 'GET',
		path: `/calls/${unsatisfiable ? recordingId : pick([noRecordingId, 'run_0', 'nope'])}/recording`,
		options: { headers: { Range: range } },
	};
}

function unknownPathCase(): Case {
	const path = pick([
		'/',
		'/call',
		'/calls/run_1/recordings',
		'/otp',
		'/otp/send/now',
		'/campaigns/57',
		'/campaigns/57/trigger/x',
		`/${junk(6).replace(/[\s?#%]/g, 'z')}`,
		'/calls/%E0%A4%A',
		'/account/balance',
		'//calls',
	]);
	return {
		label: `unknown path ${path}`,
		method: pick(['GET', 'POST']),
		path,
		options: { auth: random() < 0.8 },
	};
}

function weirdMethodCase(): Case {
	return {
		label: 'weird method',
		method: pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE']),
		path: pick(['/calls', '/account', '/otp/send', '/campaigns', '/calls/run_1']),
		options: {},
	};
}

function badQueryCase(): Case {
	const query = pick([
		'page=0',
		'page=-2',
		'page=x',
		'per_page=0',
		'per_page=1.5',
		'status=answered',
		'status=COMPLETED',
		'direction=both',
		`from=${junk(8).replace(/[\s&#]/g, 'q')}`,
		'to=2026-02-30',
		'from=2026-06-04T10:00:00%2B25:00',
		'number=123',
		'to=12:00',
	]);
	return { label: `bad query ${query}`, method: 'GET', path: `/calls?${query}`, options: {} };
}

function rawRequest(sandbox: RunningSandbox, text: string): Promise<string> {
	return rawExchange(Number(new URL(sandbox.origin).port), text);
}

function expectEnveloped4xx(reply: Reply, label: string): void {
	const context = `${label} → ${reply.status} ${reply.raw.toString('utf8', 0, 200)}`;
	expect([context, reply.status >= 400 && reply.status < 500]).toEqual([context, true]);
	expect([context, reply.json.status, reply.json.code]).toEqual([context, 'error', reply.status]);
	expect(typeof reply.json.details).toBe('string');
}

describe('fuzz', () => {
	let sandbox: RunningSandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({
			rateLimit: false,
			otpNumberLimit: false,
			clock: { mode: 'manual' },
		});
	});
	afterAll(async () => {
		await sandbox.close();
	});

	it(`600 malformed requests (seed ${SEED}) all get an enveloped 4xx and create nothing`, async () => {
		const [noRecording] = sandbox.control.seedCalls([
			{ number: MAGIC_NUMBERS.busy, status: 'failed', end_reason: 'busy' },
		]);
		const [withRecording] = sandbox.control.seedCalls([{ status: 'completed', duration_sec: 2 }]);
		const before = sandbox.control.calls().length;
		const makers = [
			badBodyCase,
			wrongTypesCase,
			oddHeadersCase,
			() => badRangeCase(noRecording.unique_id, withRecording.unique_id),
			unknownPathCase,
			weirdMethodCase,
			badQueryCase,
		];
		const cases: Case[] = [];
		for (let i = 0; i < 590; i++) cases.push(pick(makers)());
		for (let i = 0; i < 10; i++) cases.push(hugeBodyCase());
		const agent = new Agent({ keepAlive: true, maxSockets: 16 });
		const seen = new Map<number, number>();
		for (let i = 0; i < cases.length; i += 20) {
			const batch = cases.slice(i, i + 20);
			const replies = await Promise.all(
				batch.map((c) => send(sandbox, c.method, c.path, { agent, ...c.options })),
			);
			replies.forEach((reply, j) => {
				if (batch[j].method === 'HEAD') {
					// HEAD answers carry no body; the status and content type still say "enveloped 4xx".
					expect(reply.status).toBe(404);
					expect(reply.headers['content-type']).toMatch(/^application\/json/);
				} else expectEnveloped4xx(reply, `${batch[j].method} ${batch[j].path} (${batch[j].label})`);
				seen.set(reply.status, (seen.get(reply.status) ?? 0) + 1);
			});
		}
		agent.destroy();
		expect(sandbox.control.calls()).toHaveLength(before);
		// The mix really exercised the error paths.
		for (const status of [400, 401, 403, 404, 413, 416])
			expect(seen.get(status) ?? 0).toBeGreaterThan(0);
		expect((await get(sandbox, '/account')).status).toBe(200);
	});

	it('requests Node cannot even parse get an enveloped 400/431, and the server stays up', async () => {
		const garbage = [
			'FOO /api/public/v1/calls HTTP/1.1\r\nHost: x\r\n\r\n',
			'GET /api/public/v1/calls HTTP/9.9\r\n\r\n',
			'GET /api/public/v1/calls HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
			'POST /api/public/v1/calls HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
			`GET /api/public/v1/calls HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`,
			'GET /api/public/v1/calls HTTP/1.1\r\nBad Header Line\r\n\r\n',
			`${junk(30)}\r\n\r\n`,
		];
		for (const text of garbage) {
			const raw = await rawRequest(sandbox, text);
			const status = Number(raw.slice(9, 12));
			expect([text.slice(0, 30), status >= 400 && status < 500]).toEqual([text.slice(0, 30), true]);
			const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
			expect(body).toMatchObject({ status: 'error', code: status });
		}
		expect(
			(await post(sandbox, '/calls', { type: 'audio_blast', number: '9812345678', audio_id: 12 }))
				.status,
		).toBe(200);
	});
});

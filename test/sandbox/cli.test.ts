/** The CLI: first stdout line is the JSON handshake; serves until SIGTERM/SIGINT, then exits 0. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { parseOptions } from '../../sandbox/cli';
import { DEMO_ACCOUNT } from '../../sandbox';

const root = join(__dirname, '..', '..');

/**
 * Spawns the CLI the way `npx tsx sandbox/cli.ts` resolves it (node_modules/.bin/tsx), so the
 * signal reaches the sandbox directly. (npm's own `sh -c` layer dies on a SIGTERM sent to npm alone
 * and orphans the server; the last test covers npx with a process-group signal, like Ctrl-C.)
 */
function startCli(
	args: string[],
	command = join(root, 'node_modules', '.bin', 'tsx'),
	detached = false,
): {
	child: ChildProcessWithoutNullStreams;
	ready: Promise<Record<string, string>>;
	exit: Promise<number | null>;
} {
	const child = spawn(
		command,
		command === 'npx' ? ['tsx', 'sandbox/cli.ts', ...args] : ['sandbox/cli.ts', ...args],
		{ cwd: root, stdio: 'pipe', detached },
	);
	const ready = new Promise<Record<string, string>>((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const newline = out.indexOf('\n');
			if (newline !== -1) resolve(JSON.parse(out.slice(0, newline)) as Record<string, string>);
		});
		child.on('exit', (code) => reject(new Error(`cli exited early (${String(code)})`)));
	});
	const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	return { child, ready, exit };
}

describe('npm run sandbox (sandbox/cli.ts)', () => {
	it.each(['SIGTERM', 'SIGINT'] as const)(
		'prints {url, api_key, api_secret} first, serves, and exits 0 on %s',
		async (signal) => {
			const cli = startCli([
				'--port',
				'0',
				'--seed-calls',
				'4',
				'--rate-limit',
				'50',
				'--window-ms',
				'2000',
			]);
			const ready = await cli.ready;
			expect(Object.keys(ready).slice(0, 3)).toEqual(['url', 'api_key', 'api_secret']);
			expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/public\/v1$/);
			expect(ready.api_key).toBe(DEMO_ACCOUNT.apiKey);
			expect(ready.api_secret).toBe(DEMO_ACCOUNT.apiSecret);
			expect(ready.control_url).toBe(ready.url.replace('/api/public/v1', '/__sandbox'));

			const reply = await fetch(`${ready.url}/calls`, {
				headers: { 'x-api-key': ready.api_key, 'x-api-secret': ready.api_secret },
			});
			expect(reply.status).toBe(200);
			expect(reply.headers.get('ratelimit-limit')).toBe('50');
			expect(((await reply.json()) as { pagination: { total: number } }).pagination.total).toBe(4);

			cli.child.kill(signal);
			expect(await cli.exit).toBe(0);
		},
	);

	it('--manual-clock: time only moves through the control API', async () => {
		const cli = startCli(['--port', '0', '--manual-clock']);
		const ready = await cli.ready;
		const clock = async () =>
			(await (await fetch(`${ready.control_url}/clock`)).json()) as { now: number; mode: string };
		const first = await clock();
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect((await clock()).now).toBe(first.now);
		expect(first.mode).toBe('manual');
		cli.child.kill('SIGTERM');
		expect(await cli.exit).toBe(0);
	});

	it('through npx: Ctrl-C (SIGINT to the process group) stops the server', async () => {
		const cli = startCli(['--port', '0'], 'npx', true);
		const ready = await cli.ready;
		expect((await fetch(`${ready.url}/account`)).status).toBe(401);
		process.kill(-(cli.child.pid ?? 0), 'SIGINT');
		await cli.exit;
		await expect(fetch(`${ready.url}/account`)).rejects.toThrow();
	});

	it('a bad option exits 2 with usage on stderr', async () => {
		const child = spawn(
			join(root, 'node_modules', '.bin', 'tsx'),
			['sandbox/cli.ts', '--port', 'eighty'],
			{ cwd: root },
		);
		let err = '';
		child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
		const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
		expect(code).toBe(2);
		expect(err).toContain('--port must be a whole number');
		expect(err).toContain('Usage: npm run sandbox');
	});
});

describe('CLI option parsing', () => {
	it('defaults: port 8787, real clock, 120 per 60 s, 5 codes per number per 10 min, no history', () => {
		expect(parseOptions([])).toEqual({
			port: 8787,
			clock: { mode: 'real' },
			rateLimit: { limit: 120, windowMs: 60_000 },
			otpNumberLimit: { limit: 5, windowMs: 600_000 },
			seedCalls: 0,
		});
	});

	it('--speed, --rate-limit unlimited, --otp-limit, --seed-calls', () => {
		expect(
			parseOptions([
				'--speed',
				'60',
				'--rate-limit',
				'unlimited',
				'--otp-limit',
				'2',
				'--otp-window-ms',
				'1000',
				'--seed-calls',
				'100',
			]),
		).toMatchObject({
			clock: { mode: 'scaled', speed: 60 },
			rateLimit: false,
			otpNumberLimit: { limit: 2, windowMs: 1_000 },
			seedCalls: 100,
		});
		expect(parseOptions(['--speed', '1']).clock).toEqual({ mode: 'real' });
	});

	it.each([
		['--speed', '0'],
		['--rate-limit', '-3'],
		['--window-ms', 'soon'],
		['--port', '70000'],
		['--unknown'],
	])('rejects %s %s', (...args) => {
		expect(() => parseOptions(args.filter((a): a is string => a !== undefined))).toThrow();
	});
});

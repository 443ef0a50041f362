/**
 * `npm run sandbox -- [options]`. The first stdout line is one JSON object with url, api_key and
 * api_secret (then control_url, origin); it serves on 127.0.0.1 until SIGINT/SIGTERM, then exits 0.
 */
import { parseArgs } from 'node:util';
import { startSandbox } from './index';
import type { ClockOptions, RateLimitOptions, SandboxOptions } from './types';

const USAGE = `Usage: npm run sandbox -- [options]
  --port N            port on 127.0.0.1 (default 8787; 0 = any free port)
  --speed X           clock speed (1 = real time, 60 = a minute per second)
  --manual-clock      the clock only moves via POST /__sandbox/clock/advance
  --rate-limit N      requests per window per account (default 120), or "unlimited"
  --window-ms N       rate-limit window in ms (default 60000)
  --otp-limit N       verification calls per number per window (default 5), or "unlimited"
  --otp-window-ms N   verification-call window in ms (default 600000)
  --seed-calls N      historic calls on the demo account (default 0)
  --recording-mb N    every recording is a streamed WAV of N MB (1 MB = 2^20 bytes), e.g. 100
  --help`;

function main(): void {
	let options: SandboxOptions;
	try {
		options = parseOptions(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
		process.exit(2);
	}
	startSandbox(options).then(
		(sandbox) => {
			const ready = {
				url: sandbox.url,
				api_key: sandbox.apiKey,
				api_secret: sandbox.apiSecret,
				control_url: `${sandbox.origin}/__sandbox`,
				origin: sandbox.origin,
			};
			process.stdout.write(`${JSON.stringify(ready)}\n`);
			const stop = () => {
				sandbox.close().then(
					() => process.exit(0),
					() => process.exit(0),
				);
			};
			process.once('SIGINT', stop);
			process.once('SIGTERM', stop);
		},
		(error: Error) => {
			process.stderr.write(`Could not start the sandbox: ${error.message}\n`);
			process.exit(1);
		},
	);
}

export function parseOptions(argv: string[]): SandboxOptions {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: 'string' },
			speed: { type: 'string' },
			'manual-clock': { type: 'boolean' },
			'rate-limit': { type: 'string' },
			'window-ms': { type: 'string' },
			'otp-limit': { type: 'string' },
			'otp-window-ms': { type: 'string' },
			'seed-calls': { type: 'string' },
			'recording-mb': { type: 'string' },
			help: { type: 'boolean' },
		},
		strict: true,
	});
	if (values.help) {
		process.stdout.write(`${USAGE}\n`);
		process.exit(0);
	}
	const port = integer(values.port ?? '8787', '--port', 0, 65535);
	let clock: ClockOptions = { mode: 'real' };
	if (values['manual-clock']) clock = { mode: 'manual' };
	else if (values.speed !== undefined) {
		const speed = Number(values.speed);
		if (!Number.isFinite(speed) || speed <= 0) throw new Error('--speed must be a number > 0.');
		clock = speed === 1 ? { mode: 'real' } : { mode: 'scaled', speed };
	}
	return {
		port,
		clock,
		rateLimit: limit(
			values['rate-limit'],
			values['window-ms'],
			120,
			60_000,
			'--rate-limit',
			'--window-ms',
		),
		otpNumberLimit: limit(
			values['otp-limit'],
			values['otp-window-ms'],
			5,
			600_000,
			'--otp-limit',
			'--otp-window-ms',
		),
		seedCalls: integer(values['seed-calls'] ?? '0', '--seed-calls', 0, 100_000),
		...(values['recording-mb'] === undefined
			? {}
			: {
					recordingBytes: integer(values['recording-mb'], '--recording-mb', 1, 4000) * 1024 * 1024,
				}),
	};
}

function limit(
	count: string | undefined,
	windowMs: string | undefined,
	defaultCount: number,
	defaultWindow: number,
	name: string,
	windowName: string,
): RateLimitOptions | false {
	if (count === 'unlimited') return false;
	return {
		limit: count === undefined ? defaultCount : integer(count, name, 1, 1e9),
		windowMs: windowMs === undefined ? defaultWindow : integer(windowMs, windowName, 1, 1e10),
	};
}

function integer(text: string, name: string, min: number, max: number): number {
	const value = Number(text);
	if (!/^\d+$/.test(text) || value < min || value > max)
		throw new Error(`${name} must be a whole number from ${min} to ${max}.`);
	return value;
}

if (require.main === module) main();

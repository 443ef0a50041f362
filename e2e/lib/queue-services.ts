/**
 * The two services n8n's queue mode needs besides n8n itself, from Debian's packages, private to one
 * stack: a Redis for the Bull job queue and a PostgreSQL for the database every n8n process shares.
 *
 *   - installed with `apt-get update` + `apt-get install -y redis-server postgresql` when missing (root);
 *   - each on a free port on 127.0.0.1, its data (and unix socket) in a folder of the stack's own
 *     (the n8n user folder under `npm start`, a temporary one in tests);
 *   - Redis without persistence (`--save ''`, no AOF): the queue only holds jobs in flight;
 *   - PostgreSQL as the `postgres` user (initdb and postgres refuse to run as root), trust
 *     authentication on 127.0.0.1 only, fsync off (a throw-away local database).
 *
 * The user folder usually sits in /root (mode 700), which the `postgres` user cannot enter. Rather than
 * open up /root, the server runs as `postgres` with one ambient capability, CAP_DAC_OVERRIDE
 * (setpriv from util-linux), so it can reach its data folder there; it still owns that folder and
 * Postgres' own "not as root" check passes.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort } from './n8n';
import {
	formatDuration,
	log,
	runChecked,
	runCommand,
	sleep,
	startLongRunning,
	type LongRunning,
} from './proc';

const APT_PACKAGES = ['redis-server', 'postgresql'];
const POSTGRES_USER = 'postgres';
/** The database n8n uses. */
export const POSTGRES_DATABASE = 'n8n';

/** The Postgres binaries of the newest installed major version (Debian: /usr/lib/postgresql/<major>/bin). */
function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs
		.readdirSync(root)
		.filter(
			(entry) => /^\d+$/.test(entry) && fs.existsSync(path.join(root, entry, 'bin', 'postgres')),
		)
		.sort((a, b) => Number(b) - Number(a));
	return majors.length > 0 ? path.join(root, majors[0], 'bin') : undefined;
}

function redisServerBinary(): string | undefined {
	return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((file) =>
		fs.existsSync(file),
	);
}

let installing: Promise<void> | undefined;

/** Install redis-server and postgresql from Debian's packages if either is missing (once per process). */
export async function ensureQueuePackages(logDir: string): Promise<void> {
	if (redisServerBinary() && postgresBinDir()) return;
	installing ??= (async () => {
		if (typeof process.getuid === 'function' && process.getuid() !== 0) {
			throw new Error(
				`Queue mode needs ${APT_PACKAGES.join(' and ')}; install them (apt-get install -y ${APT_PACKAGES.join(' ')}) or run as root.`,
			);
		}
		const logFile = path.join(logDir, 'apt-install.log');
		const started = Date.now();
		log(
			`Installing ${APT_PACKAGES.join(' and ')} from Debian's packages (apt-get; log: ${logFile})…`,
		);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		await runChecked('apt-get', ['update'], { env, logFile, timeoutMs: 10 * 60_000 });
		// postgresql's post-install creates a cluster and tries to start it (no init system here): harmless.
		await runChecked('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], {
			env,
			logFile,
			timeoutMs: 15 * 60_000,
		});
		if (!redisServerBinary() || !postgresBinDir())
			throw new Error(
				`apt-get installed ${APT_PACKAGES.join(', ')}, but redis-server or postgres is still missing (see ${logFile}).`,
			);
		log(`  installed in ${formatDuration(Date.now() - started)}.`);
	})();
	try {
		await installing;
	} catch (error) {
		installing = undefined;
		throw error;
	}
}

export interface ServiceHandle {
	host: '127.0.0.1';
	port: number;
	dataDir: string;
	logFile: string;
	process: LongRunning;
	stop(): Promise<void>;
}

/** Waits until `probe` succeeds or the process exits. */
async function untilReady(
	name: string,
	proc: LongRunning,
	logFile: string,
	probe: () => Promise<boolean>,
	timeoutMs = 60_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
			throw new Error(
				`${name} exited during start-up. Last lines of ${logFile}:\n${tail(logFile, 25)}`,
			);
		}
		if (await probe()) return;
		if (Date.now() > deadline) {
			await proc.stop(5000);
			throw new Error(
				`${name} was not ready within ${formatDuration(timeoutMs)}. Last lines of ${logFile}:\n${tail(logFile, 25)}`,
			);
		}
		await sleep(200);
	}
}

function tail(file: string, lines: number): string {
	try {
		return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/** `redis-server` on a free port of 127.0.0.1, no persistence, working folder `dataDir`. */
export async function startRedis(options: {
	dataDir: string;
	logFile: string;
	port?: number;
}): Promise<ServiceHandle> {
	const binary = redisServerBinary();
	if (!binary) throw new Error('redis-server is not installed (call ensureQueuePackages first).');
	fs.mkdirSync(options.dataDir, { recursive: true });
	const port = options.port || (await freePort());
	const out = fs.openSync(options.logFile, 'a');
	const proc = startLongRunning(
		binary,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			options.dataDir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--protected-mode',
			'yes',
			'--daemonize',
			'no',
		],
		{ cwd: options.dataDir, stdio: ['ignore', out, out] },
	);
	fs.closeSync(out);
	await untilReady('Redis', proc, options.logFile, async () => (await redisPing(port)) === 'PONG');
	return {
		host: '127.0.0.1',
		port,
		dataDir: options.dataDir,
		logFile: options.logFile,
		process: proc,
		stop: () => proc.stop(10_000),
	};
}

/** One PING over a raw socket (no Redis client in our devDependencies). */
async function redisPing(port: number): Promise<string> {
	return await new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let answer = '';
		const done = (value: string) => {
			socket.destroy();
			resolve(value);
		};
		socket.setTimeout(1000, () => done(''));
		socket.on('error', () => done(''));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk: Buffer) => {
			answer += chunk.toString();
			if (answer.includes('\r\n')) done(answer.trim().replace(/^\+/, ''));
		});
	});
}

/** uid and gid of a system user, from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith(`${name}:`));
	if (!line) throw new Error(`There is no user "${name}" (the postgresql package creates it).`);
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/** Run a command as the postgres user, able to reach folders below /root (see the file comment). */
function asPostgres(binary: string, args: string[]): [string, string[]] {
	return [
		'setpriv',
		[
			'--reuid',
			POSTGRES_USER,
			'--regid',
			POSTGRES_USER,
			'--init-groups',
			'--inh-caps',
			'+dac_override',
			'--ambient-caps',
			'+dac_override',
			binary,
			...args,
		],
	];
}

export interface PostgresHandle extends ServiceHandle {
	user: string;
	database: string;
	/** Run SQL with psql (over TCP); returns the rows as tab-separated text. */
	sql(statement: string): Promise<string>;
}

/**
 * A private PostgreSQL cluster in `dataDir` (created with initdb on first use, reused after) on a free
 * port of 127.0.0.1, with the database `n8n`.
 */
export async function startPostgres(options: {
	dataDir: string;
	logFile: string;
	port?: number;
}): Promise<PostgresHandle> {
	const bin = postgresBinDir();
	if (!bin) throw new Error('PostgreSQL is not installed (call ensureQueuePackages first).');
	const dataDir = path.resolve(options.dataDir);
	fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	fs.chmodSync(dataDir, 0o700);
	// The data folder belongs to postgres (initdb fills it as that user); the log is written by us.
	const { uid, gid } = systemUser(POSTGRES_USER);
	fs.chownSync(dataDir, uid, gid);
	if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
		const [command, args] = asPostgres(path.join(bin, 'initdb'), [
			'-D',
			dataDir,
			'-U',
			POSTGRES_USER,
			'--auth=trust',
			'-E',
			'UTF8',
			'--locale=C',
			'--no-sync',
		]);
		await runChecked(command, args, { logFile: options.logFile, timeoutMs: 120_000 });
	}
	const port = options.port || (await freePort());
	const out = fs.openSync(options.logFile, 'a');
	const [command, args] = asPostgres(path.join(bin, 'postgres'), [
		'-D',
		dataDir,
		'-p',
		String(port),
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		`unix_socket_directories=${dataDir}`,
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=100',
	]);
	const proc = startLongRunning(command, args, { cwd: dataDir, stdio: ['ignore', out, out] });
	fs.closeSync(out);
	const psql = async (database: string, statement: string) =>
		await runCommand(
			'psql',
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				POSTGRES_USER,
				'-d',
				database,
				'-v',
				'ON_ERROR_STOP=1',
				'-At',
				'-F',
				'\t',
				'-c',
				statement,
			],
			{
				timeoutMs: 60_000,
			},
		);
	await untilReady(
		'PostgreSQL',
		proc,
		options.logFile,
		async () => (await psql('postgres', 'SELECT 1')).code === 0,
	);
	const exists = await psql(
		'postgres',
		`SELECT 1 FROM pg_database WHERE datname = '${POSTGRES_DATABASE}'`,
	);
	if (exists.stdout.trim() !== '1') {
		const created = await psql('postgres', `CREATE DATABASE ${POSTGRES_DATABASE}`);
		if (created.code !== 0)
			throw new Error(`Could not create the database ${POSTGRES_DATABASE}: ${created.stderr}`);
	}
	// SIGINT = Postgres' "fast" shutdown (SIGTERM waits for clients to disconnect).
	const stop = async () => {
		if (proc.child.exitCode === null && proc.child.signalCode === null) {
			try {
				process.kill(proc.child.pid as number, 'SIGINT');
			} catch {
				/* gone */
			}
		}
		await proc.stop(15_000);
	};
	return {
		host: '127.0.0.1',
		port,
		dataDir,
		logFile: options.logFile,
		process: proc,
		user: POSTGRES_USER,
		database: POSTGRES_DATABASE,
		stop,
		sql: async (statement: string) => {
			const result = await psql(POSTGRES_DATABASE, statement);
			if (result.code !== 0) throw new Error(`psql failed: ${result.stderr.trim()}`);
			return result.stdout;
		},
	};
}

/**
 * Drives a real n8n 2.41.1 (from e2e/n8n-runtime, on Node 24): an isolated user folder, `n8n start`
 * on 127.0.0.1, the headless CLI commands (import:credentials, import:workflow, publish:workflow,
 * execute), and read access to its sqlite database.
 *
 * The REST API used by the editor is wrapped in ./n8n-rest.ts.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import axios from 'axios';
import { RUNTIME_DIR } from './paths';
import {
	formatDuration,
	log,
	runChecked,
	runCommand,
	sleep,
	startLongRunning,
	type LongRunning,
	type RunResult,
} from './proc';
import { node24Env, type Runtime } from './runtime';
import { N8nRest } from './n8n-rest';

export interface N8nOptions {
	runtime: Runtime;
	/** N8N_USER_FOLDER: n8n keeps everything in <userFolder>/.n8n. Must be outside the repository. */
	userFolder: string;
	/** 0 = pick a free port. */
	port: number;
	/** Port of n8n's internal task broker; 0 (default) = pick a free port. */
	brokerPort?: number;
	/** n8n's stdout/stderr; default <userFolder>/n8n.log. */
	logFile?: string;
	/** Extra environment variables for n8n and its CLI. */
	env?: Record<string, string>;
	/**
	 * 'main' (default): `n8n start`. 'worker': `n8n worker --concurrency=N` (queue mode, see
	 * ./queue-stack.ts); `port` is then its health-check server (QUEUE_HEALTH_CHECK_PORT), it has no REST API.
	 */
	role?: 'main' | 'worker';
	/** Jobs a worker runs at once (default 1). */
	concurrency?: number;
}

/** A credential as `n8n import:credentials` takes it; `data` in clear text (n8n encrypts it). */
export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** The parts of an n8n workflow JSON that the import needs. */
export interface WorkflowImport {
	id?: string;
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	active?: boolean;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

const ENCRYPTION_KEY_FILE = 'e2e-encryption-key';
const READY_LINE = 'Editor is now accessible via';
const WORKER_READY_LINE = 'n8n worker is now ready';

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export async function isPortFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

export class N8n {
	readonly userFolder: string;
	readonly logFile: string;
	private readonly encryptionKey: string;
	private port: number;
	private brokerPort: number;
	private proc: LongRunning | undefined;
	private _rest: N8nRest | undefined;

	constructor(private readonly options: N8nOptions) {
		this.userFolder = path.resolve(options.userFolder);
		fs.mkdirSync(path.join(this.userFolder, '.n8n'), { recursive: true });
		this.logFile = options.logFile ?? path.join(this.userFolder, 'n8n.log');
		this.port = options.port;
		this.brokerPort = options.brokerPort ?? 0;
		// A fixed key per user folder: n8n stores it in .n8n/config on first start and refuses a different one later.
		const keyFile = path.join(this.userFolder, ENCRYPTION_KEY_FILE);
		if (!fs.existsSync(keyFile))
			fs.writeFileSync(keyFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
		this.encryptionKey = fs.readFileSync(keyFile, 'utf8').trim();
	}

	get baseUrl(): string {
		if (!this.port) throw new Error('n8n has no port yet: call start() first.');
		return `http://127.0.0.1:${this.port}`;
	}

	/** The sqlite database n8n uses. */
	get databaseFile(): string {
		return path.join(this.userFolder, '.n8n', 'database.sqlite');
	}

	/** REST client (owner session) once start() has run. */
	get rest(): N8nRest {
		if (!this._rest) throw new Error('n8n is not started.');
		return this._rest;
	}

	get role(): 'main' | 'worker' {
		return this.options.role ?? 'main';
	}

	/** Process id of the running n8n (the Node process that runs the executions), if any. */
	get pid(): number | undefined {
		return this.running ? this.proc?.child.pid : undefined;
	}

	get running(): boolean {
		return !!this.proc && this.proc.child.exitCode === null && this.proc.child.signalCode === null;
	}

	/** Environment shared by `n8n start` and the CLI commands. */
	env(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
		const inherited: NodeJS.ProcessEnv = {};
		for (const [key, value] of Object.entries(process.env)) {
			// No loaders (tsx, ts-jest), Jest's NODE_ENV=test (n8n then silences its logger and refuses to load
			// nodes), npm lifecycle settings or stray n8n settings leak into n8n.
			if (['NODE_OPTIONS', 'NODE_ENV'].includes(key) || /^(npm_|N8N_|DB_|JEST_)/.test(key))
				continue;
			inherited[key] = value;
		}
		const worker = this.role === 'worker';
		const url = this.port && !worker ? `http://127.0.0.1:${this.port}/` : undefined;
		const settings: Record<string, string> = {
			// As in n8n's Docker image.
			NODE_ENV: 'production',
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			DB_TYPE: 'sqlite',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			// The MCP registry module fetches a remote list at boot and logs an error offline.
			N8N_DISABLED_MODULES: 'mcp-registry',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			// Code nodes run in n8n's internal task runner (a child process on Node 24).
			N8N_RUNNERS_MODE: 'internal',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			...(this.brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(this.brokerPort) } : {}),
			...(this.port && !worker ? { N8N_PORT: String(this.port) } : {}),
			...(this.port && worker
				? {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(this.port),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					}
				: {}),
			...(url ? { N8N_EDITOR_BASE_URL: url, N8N_WEBHOOK_URL: url } : {}),
			// What this n8n version needs (e.g. N8N_RUNNERS_ENABLED=false on 1.x, see runtime.ts), then the caller's.
			...this.options.runtime.env,
			...this.options.env,
			...overrides,
		};
		return node24Env(this.options.runtime, { ...inherited, ...settings });
	}

	/** Run an n8n CLI command (with Node 24) against this user folder. Rejects on a non-zero exit. */
	async cli(args: string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
		return await runChecked(this.options.runtime.node, [this.options.runtime.n8nBin, ...args], {
			cwd: this.userFolder,
			env: await this.cliEnv(),
			logFile: path.join(this.userFolder, 'n8n-cli.log'),
			timeoutMs: options.timeoutMs ?? 120_000,
		});
	}

	/** CLI commands that execute workflows start their own task broker: give it a port of its own. */
	private async cliEnv(): Promise<NodeJS.ProcessEnv> {
		return this.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
	}

	/**
	 * Create or update credentials (upsert by id) with `n8n import:credentials`. The clear-text file
	 * only exists for the duration of the command.
	 */
	async importCredentials(credentials: CredentialImport[]): Promise<void> {
		await this.withTempJson('credentials', credentials, async (file) => {
			await this.cli(['import:credentials', `--input=${file}`]);
		});
	}

	/** Create or update workflows (upsert by id) with `n8n import:workflow`. Imported workflows are unpublished. */
	async importWorkflows(workflows: WorkflowImport[]): Promise<void> {
		if (workflows.length === 0) return;
		await this.withTempJson('workflows', workflows, async (file) => {
			await this.cli(['import:workflow', `--input=${file}`]);
		});
	}

	/** Publish (activate) the current version of a workflow. Takes effect at the next `n8n start`. */
	async publishWorkflowCli(id: string): Promise<void> {
		// n8n 1.x has no publish:workflow; there `update:workflow --active=true` activates the saved workflow.
		if (this.options.runtime.n8nVersion.startsWith('1.'))
			await this.cli(['update:workflow', `--id=${id}`, '--active=true']);
		else await this.cli(['publish:workflow', `--id=${id}`]);
	}

	/**
	 * `n8n execute --id` in a separate process (manual mode). Resolves with its stdout (with --rawOutput:
	 * the run data JSON). Prefer N8nRest.runWorkflow while the server runs.
	 */
	async executeWorkflowCli(id: string, options: { rawOutput?: boolean } = {}): Promise<RunResult> {
		const args = ['execute', `--id=${id}`];
		if (options.rawOutput) args.push('--rawOutput');
		return await runCommand(this.options.runtime.node, [this.options.runtime.n8nBin, ...args], {
			cwd: this.userFolder,
			env: await this.cliEnv(),
			logFile: path.join(this.userFolder, 'n8n-cli.log'),
			timeoutMs: 180_000,
		});
	}

	/** The JSON printed by `n8n execute --rawOutput` (after n8n's own log lines). */
	static parseRawOutput(stdout: string): { data?: unknown; [key: string]: unknown } {
		const start = stdout.search(/^\{/m);
		if (start === -1) throw new Error(`No JSON in n8n execute output:\n${stdout.slice(0, 2000)}`);
		return JSON.parse(stdout.slice(start)) as { data?: unknown };
	}

	private async withTempJson(
		kind: string,
		content: unknown,
		fn: (file: string) => Promise<void>,
	): Promise<void> {
		const file = path.join(this.userFolder, `.import-${kind}-${process.pid}-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(content, null, 2), { mode: 0o600 });
		try {
			await fn(file);
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	/**
	 * `n8n start` (or `n8n worker`); resolves once the REST API answers and the editor is up (a worker: once
	 * it takes jobs). `env` adds to this instance's environment for this start only (e.g. a restart on the
	 * same user folder with another setting).
	 */
	async start(options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<void> {
		if (this.running) throw new Error('n8n is already running.');
		if (!this.port) this.port = await freePort();
		else if (!(await isPortFree(this.port))) {
			throw new Error(
				`Port ${this.port} on 127.0.0.1 is already in use (another n8n or \`npm start\` running?).`,
			);
		}
		if (!this.brokerPort) this.brokerPort = await freePort();
		const timeoutMs = options.timeoutMs ?? 180_000;
		const started = Date.now();
		fs.writeFileSync(
			this.logFile,
			`--- n8n ${this.role === 'worker' ? 'worker' : 'start'} ${new Date().toISOString()} on port ${this.port}\n`,
			{ flag: 'a' },
		);
		const logOffset = fs.statSync(this.logFile).size;
		const out = fs.openSync(this.logFile, 'a');
		const worker = this.role === 'worker';
		const command = worker
			? ['worker', `--concurrency=${this.options.concurrency ?? 1}`]
			: ['start'];
		this.proc = startLongRunning(
			this.options.runtime.node,
			[this.options.runtime.n8nBin, ...command],
			{
				cwd: this.userFolder,
				env: this.env(options.env),
				stdio: ['ignore', out, out],
			},
		);
		fs.closeSync(out);
		let ready = false;
		while (!ready) {
			if (!this.running) {
				throw new Error(
					`n8n exited during start-up (code ${this.proc.child.exitCode}). Last lines of ${this.logFile}:\n${this.logTail(40)}`,
				);
			}
			if (Date.now() - started > timeoutMs) {
				await this.stop();
				throw new Error(
					`n8n was not ready within ${formatDuration(timeoutMs)}. Last lines of ${this.logFile}:\n${this.logTail(40)}`,
				);
			}
			await sleep(250);
			ready =
				this.readLog(logOffset).includes(worker ? WORKER_READY_LINE : READY_LINE) &&
				(await this.probe('/healthz/readiness'));
		}
		if (worker) {
			log(
				`n8n ${this.options.runtime.n8nVersion} worker ready (health check ${this.baseUrl}) after ${formatDuration(Date.now() - started)}.`,
			);
			return;
		}
		this._rest = new N8nRest(this.baseUrl);
		log(
			`n8n ${this.options.runtime.n8nVersion} ready on ${this.baseUrl} after ${formatDuration(Date.now() - started)}.`,
		);
	}

	private async probe(urlPath: string): Promise<boolean> {
		try {
			const response = await axios.get(`${this.baseUrl}${urlPath}`, {
				timeout: 2000,
				validateStatus: () => true,
			});
			return response.status === 200;
		} catch {
			return false;
		}
	}

	/** Resolves when the running n8n process exits (immediately if none runs). */
	async exited(): Promise<void> {
		if (this.proc) await this.proc.exited;
	}

	/**
	 * Send `signal` to the n8n process itself (by the pid this harness started, not its group), as an
	 * out-of-memory kill (SIGKILL) or `docker restart` (SIGTERM) does, and wait up to `timeoutMs` for it to
	 * exit (then SIGKILL). Whatever is left of its process group (the task runner) is killed afterwards.
	 * Resolves with how it exited and how long that took. start() may be called again (same user folder,
	 * same port).
	 */
	async kill(
		signal: NodeJS.Signals,
		timeoutMs = 120_000,
	): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
		const proc = this.proc;
		const pid = this.pid;
		if (!proc || pid === undefined) throw new Error('n8n is not running.');
		const sent = Date.now();
		process.kill(pid, signal);
		const timer = new Promise<'timeout'>((resolve) =>
			setTimeout(() => resolve('timeout'), timeoutMs).unref(),
		);
		if ((await Promise.race([proc.exited, timer])) === 'timeout') {
			log(
				`n8n (pid ${pid}) did not exit within ${formatDuration(timeoutMs)} of ${signal}; killing it.`,
			);
			process.kill(pid, 'SIGKILL');
		}
		const exit = await proc.exited;
		const ms = Date.now() - sent;
		await this.stop();
		return { ...exit, ms };
	}

	/** SIGTERM, wait for n8n's graceful shutdown, then kill whatever is left of its process group. */
	async stop(): Promise<void> {
		const proc = this.proc;
		if (!proc) return;
		await proc.stop(30_000);
		this.proc = undefined;
		this._rest = undefined;
	}

	/** The n8n log, optionally from a byte offset. */
	readLog(fromByte = 0): string {
		try {
			const buffer = fs.readFileSync(this.logFile);
			return buffer.subarray(fromByte).toString('utf8');
		} catch {
			return '';
		}
	}

	logTail(lines: number): string {
		return this.readLog().trimEnd().split('\n').slice(-lines).join('\n');
	}

	/** Run SQL read-only against n8n's sqlite DB (Node 24 + the runtime's sqlite3). */
	async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
		const result = await this.runSqliteScript({ mode: 'query', sql, params });
		return result.rows as T[];
	}

	/**
	 * Count occurrences of each needle in every text/blob cell of every table. Returns the cells that
	 * contain one (table, column, row number, needle index, count).
	 */
	async searchDatabase(
		needles: string[],
	): Promise<{ tables: number; cells: number; hits: DbHit[] }> {
		const result = await this.runSqliteScript({ mode: 'search', needles });
		return { tables: result.tables ?? 0, cells: result.cells ?? 0, hits: result.hits ?? [] };
	}

	private async runSqliteScript(input: SqliteScriptInput): Promise<SqliteScriptOutput> {
		const { stdout } = await runChecked(this.options.runtime.node, ['-e', SQLITE_SCRIPT], {
			// The script resolves sqlite3 from e2e/n8n-runtime/node_modules.
			cwd: this.options.runtime.dir ?? RUNTIME_DIR,
			env: node24Env(this.options.runtime),
			input: JSON.stringify({ ...input, file: this.databaseFile }),
			timeoutMs: 120_000,
		});
		return JSON.parse(stdout) as SqliteScriptOutput;
	}
}

export interface DbHit {
	table: string;
	column: string;
	row: number;
	needle: number;
	count: number;
}

type SqliteScriptInput =
	| { mode: 'query'; sql: string; params: unknown[] }
	| { mode: 'search'; needles: string[] };

interface SqliteScriptOutput {
	rows?: unknown[];
	tables?: number;
	cells?: number;
	hits?: DbHit[];
}

/** Runs with Node 24 in e2e/n8n-runtime; reads {file, mode, ...} as JSON on stdin, writes JSON on stdout. */
const SQLITE_SCRIPT = `
const sqlite3 = require('sqlite3');
let raw = '';
process.stdin.on('data', (c) => (raw += c));
process.stdin.on('end', () => main(JSON.parse(raw)).catch((e) => { console.error(e.stack || String(e)); process.exit(1); }));
const all = (db, sql, params) => new Promise((res, rej) => db.all(sql, params || [], (e, rows) => (e ? rej(e) : res(rows))));
async function main(input) {
  const db = new sqlite3.Database(input.file, sqlite3.OPEN_READONLY);
  db.configure('busyTimeout', 10000);
  try {
    if (input.mode === 'query') {
      process.stdout.write(JSON.stringify({ rows: await all(db, input.sql, input.params) }));
      return;
    }
    const needles = input.needles;
    const tables = await all(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
    const hits = [];
    let cells = 0;
    for (const { name } of tables) {
      await new Promise((res, rej) => {
        let row = 0;
        db.each('SELECT * FROM "' + name.replace(/"/g, '""') + '"', (e, record) => {
          if (e) return;
          row++;
          for (const [column, value] of Object.entries(record)) {
            if (value === null || value === undefined) continue;
            cells++;
            const text = Buffer.isBuffer(value) ? value.toString('latin1') + '\\n' + value.toString('utf8') : String(value);
            needles.forEach((needle, index) => {
              const count = text.split(needle).length - 1;
              if (count > 0) hits.push({ table: name, column, row, needle: index, count });
            });
          }
        }, (e) => (e ? rej(e) : res()));
      });
    }
    process.stdout.write(JSON.stringify({ tables: tables.length, cells, hits }));
  } finally {
    db.close();
  }
}
`;

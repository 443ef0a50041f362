/**
 * n8n's queue mode, as our users scale out: one main (editor, REST, triggers, webhooks, forms) puts
 * executions on a Redis (Bull) queue, N `n8n worker` processes run them, and all share one PostgreSQL
 * database. Shared by `npm start -- --queue --workers N`, the queue e2e suite and `npm run bench:queue`.
 *
 *   sandbox ── Redis + PostgreSQL (./queue-services.ts, Debian packages, data in <userFolder>/queue)
 *          └─ main (`n8n start`) + workers (`n8n worker --concurrency=C`), one user folder for all
 *
 * Every n8n process gets the same N8N_ENCRYPTION_KEY (the key file of the shared user folder), its own
 * task-runner broker port, and for workers a health-check port of its own. The package is installed the
 * way a user installs it without a registry: extracted into the shared user folder's .n8n/nodes (see
 * ./package.ts), which every process loads at boot. (N8N_COMMUNITY_PACKAGES + ..._MANAGED_BY_ENV would
 * make each main download it from the npm registry at boot: not possible for an unpublished build.)
 *
 * Manual executions ("Execute workflow", the REST /run) go to the workers too
 * (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true, the default from n8n 3). Binary data stays in n8n's
 * queue-mode default (database) unless `binaryDataMode` says otherwise; filesystem mode works because
 * all processes share the user folder's storage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, N8n, type WorkflowImport } from './n8n';
import type { OwnerAccount } from './n8n-rest';
import { installPackageIntoUserFolder } from './package';
import { CREDENTIAL_TYPE, WORK_DIR } from './paths';
import { formatDuration, log } from './proc';
import {
	ensureQueuePackages,
	startPostgres,
	startRedis,
	type PostgresHandle,
	type ServiceHandle,
} from './queue-services';
import { startSandbox, type SandboxHandle } from './sandbox';
import {
	assertPackageLoaded,
	DEFAULT_OWNER,
	packageLoadProblems,
	SANDBOX_CREDENTIAL,
	type StackOptions,
} from './stack';

export type BinaryDataMode = 'database' | 'filesystem';

/** The regular stack's options (e2e/lib/stack.ts), for a main plus `workers` processes. */
export interface QueueStackOptions extends Omit<StackOptions, 'credentials'> {
	workers: number;
	/** Jobs each worker runs at once (n8n's default is 10). */
	concurrency?: number;
	/** N8N_DEFAULT_BINARY_DATA_MODE; undefined = n8n's queue-mode default (database). */
	binaryDataMode?: BinaryDataMode;
	/** Redis and PostgreSQL data; default <userFolder>/queue. */
	servicesDir?: string;
	/** Called as soon as there is something to stop, so an interrupt during start-up can stop it. */
	onStop?(stop: () => Promise<void>): void;
}

export interface QueueStack {
	sandbox: SandboxHandle;
	redis: ServiceHandle;
	postgres: PostgresHandle;
	main: N8n;
	workers: N8n[];
	owner: OwnerAccount;
	ownerStatus: 'created' | 'logged-in';
	importedWorkflows: WorkflowImport[];
	skippedWorkflows: WorkflowImport[];
	/** The environment every n8n process shares (queue, database, binary data). */
	queueEnv: Record<string, string>;
	/** Start one more worker (same settings as the others); resolves once it takes jobs. */
	addWorker(): Promise<N8n>;
	/**
	 * Stop the main, run `whileDown` (if given), start it again (pollers are registered again at its
	 * start) and log in again. The workers keep running.
	 */
	restartMain(whileDown?: () => Promise<void>): Promise<void>;
	/**
	 * Stop every n8n process and start them again with `env` added (e.g. another binary-data mode);
	 * Redis, PostgreSQL and the sandbox keep running. `main` and `workers` then hold the new processes.
	 */
	restartAll(env: Record<string, string>): Promise<void>;
	/** 1-based number of the worker whose log says it ran this execution, or undefined (not a worker). */
	workerOf(executionId: string): number | undefined;
	/** Every worker that logged "Worker started execution <id>" (a resumed execution may run on several). */
	workersOf(executionId: string): number[];
	stop(): Promise<void>;
}

export async function startQueueStack(options: QueueStackOptions): Promise<QueueStack> {
	const owner = options.owner ?? DEFAULT_OWNER;
	const userFolder = path.resolve(options.userFolder);
	const servicesDir = path.resolve(options.servicesDir ?? path.join(userFolder, 'queue'));
	fs.mkdirSync(servicesDir, { recursive: true });
	const started: Array<{ stop(): Promise<void> }> = [];
	const workers: N8n[] = [];
	let main: N8n | undefined;
	let stopping: Promise<void> | undefined;
	const stop = () => {
		stopping ??= (async () => {
			// Workers first (they finish or hand back their jobs), then the main, then what they use.
			await Promise.all(workers.map((worker) => worker.stop().catch(() => undefined)));
			await main?.stop().catch(() => undefined);
			for (const part of [...started].reverse()) await part.stop().catch(() => undefined);
		})();
		return stopping;
	};
	options.onStop?.(stop);

	try {
		fs.mkdirSync(path.join(WORK_DIR, 'logs'), { recursive: true });
		await ensureQueuePackages(path.join(WORK_DIR, 'logs'));
		const sandbox = await startSandbox({
			port: options.sandboxPort,
			seedCalls: options.seedCalls,
			extraArgs: options.sandboxArgs,
			logFile: path.join(userFolder, 'sandbox.log'),
		});
		started.push(sandbox);
		log(`Sandbox API on ${sandbox.url}`);
		// Each is registered for stopping as soon as it runs, even if the other fails to start.
		const register = <T extends { stop(): Promise<void> }>(service: T): T => {
			started.push(service);
			return service;
		};
		const [redis, postgres] = await Promise.all([
			startRedis({
				dataDir: path.join(servicesDir, 'redis'),
				logFile: path.join(userFolder, 'redis.log'),
			}).then(register),
			startPostgres({
				dataDir: path.join(servicesDir, 'postgres'),
				logFile: path.join(userFolder, 'postgres.log'),
			}).then(register),
		]);
		log(
			`Redis on 127.0.0.1:${redis.port}, PostgreSQL on 127.0.0.1:${postgres.port} (data in ${servicesDir})`,
		);

		const mainPort = options.n8nPort || (await freePort());
		const mainUrl = `http://127.0.0.1:${mainPort}/`;
		const queueEnv: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			...(options.binaryDataMode ? { N8N_DEFAULT_BINARY_DATA_MODE: options.binaryDataMode } : {}),
			...options.n8nEnv,
		};
		main = new N8n({ runtime: options.runtime, userFolder, port: mainPort, env: queueEnv });
		await installPackageIntoUserFolder(userFolder, options.packed);
		log(
			`Installed ${options.packed.name}@${options.packed.version} into ${path.join(userFolder, '.n8n', 'nodes')} (shared by the main and the workers)`,
		);

		log(`Creating the credential "${SANDBOX_CREDENTIAL.name}" (n8n import:credentials)…`);
		await main.importCredentials([
			{
				...SANDBOX_CREDENTIAL,
				type: CREDENTIAL_TYPE,
				data: {
					publishableKey: sandbox.apiKey,
					secretKey: sandbox.apiSecret,
					baseUrl: sandbox.url,
				},
			},
		]);
		let workflows = options.workflows ?? [];
		let skipped: WorkflowImport[] = [];
		if (options.keepExistingWorkflows && workflows.length > 0) {
			const existing = new Set(
				(await postgres.sql('SELECT id FROM workflow_entity')).split('\n').filter(Boolean),
			);
			skipped = workflows.filter((w) => w.id && existing.has(w.id));
			workflows = workflows.filter((w) => !w.id || !existing.has(w.id));
		}
		if (workflows.length > 0) {
			log(`Importing ${workflows.length} workflow(s) (n8n import:workflow)…`);
			await main.importWorkflows(workflows);
		}

		log('Starting the n8n main…');
		await main.start();
		const ownerStatus = await main.rest.ensureOwner(owner);
		await assertPackageLoaded(main);

		const concurrency = options.concurrency ?? 10;
		let workerEnv = { ...queueEnv, N8N_EDITOR_BASE_URL: mainUrl, N8N_WEBHOOK_URL: mainUrl };
		const newWorker = () => {
			const worker = new N8n({
				runtime: options.runtime,
				userFolder,
				port: 0,
				role: 'worker',
				concurrency,
				env: workerEnv,
				logFile: path.join(userFolder, `worker-${workers.length + 1}.log`),
			});
			workers.push(worker);
			return worker;
		};
		for (let i = 1; i <= options.workers; i++) newWorker();
		const workersStarted = Date.now();
		log(`Starting ${options.workers} worker(s) (concurrency ${concurrency})…`);
		await Promise.all(workers.map((worker) => worker.start()));
		for (const [index, worker] of workers.entries()) {
			const problems = packageLoadProblems(worker.readLog());
			if (problems.length > 0)
				throw new Error(
					`Worker ${index + 1} reported problems loading ${options.packed.name}:\n${problems.join('\n')}`,
				);
		}
		log(
			`  ${options.workers} worker(s) ready after ${formatDuration(Date.now() - workersStarted)}.`,
		);
		// Published through the main's REST API (as the editor's Publish button does), which saves one
		// boot of the n8n CLI per workflow.
		for (const workflow of workflows.filter((w) => w.active === true && w.id))
			await main.rest.activateWorkflow(workflow.id as string);

		const startedLines = (worker: N8n, executionId: string) =>
			worker.readLog().includes(`Worker started execution ${executionId} (`);
		const stack: QueueStack = {
			sandbox,
			redis,
			postgres,
			main,
			workers,
			owner,
			ownerStatus,
			importedWorkflows: workflows,
			skippedWorkflows: skipped,
			queueEnv,
			addWorker: async () => {
				const worker = newWorker();
				await worker.start();
				return worker;
			},
			restartMain: async (whileDown) => {
				await stack.main.stop();
				if (whileDown) await whileDown();
				await stack.main.start();
				await stack.main.rest.ensureOwner(owner);
			},
			restartAll: async (env) => {
				const count = workers.length;
				await Promise.all(workers.map((worker) => worker.stop()));
				await stack.main.stop();
				Object.assign(queueEnv, env);
				workerEnv = { ...workerEnv, ...env };
				main = new N8n({ runtime: options.runtime, userFolder, port: mainPort, env: queueEnv });
				stack.main = main;
				await main.start();
				await main.rest.ensureOwner(owner);
				workers.splice(0, workers.length);
				for (let i = 1; i <= count; i++) newWorker();
				await Promise.all(workers.map((worker) => worker.start()));
			},
			workersOf: (executionId) =>
				workers.flatMap((worker, index) => (startedLines(worker, executionId) ? [index + 1] : [])),
			workerOf: (executionId) => {
				const index = workers.findIndex((worker) => startedLines(worker, executionId));
				return index === -1 ? undefined : index + 1;
			},
			stop,
		};
		return stack;
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Log files of a queue stack, for archiving (see ./stack.ts archiveLogs). */
export function queueLogFiles(workers: number): string[] {
	return [
		'redis.log',
		'postgres.log',
		...Array.from({ length: workers }, (_, i) => `worker-${i + 1}.log`),
	];
}

/** Keep a copy of a queue stack's logs in e2e/.work/logs (besides what archiveLogs copies). */
export function archiveQueueLogs(userFolder: string, label: string, workers: number): void {
	const dir = path.join(WORK_DIR, 'logs');
	fs.mkdirSync(dir, { recursive: true });
	for (const file of queueLogFiles(workers)) {
		const source = path.join(userFolder, file);
		if (fs.existsSync(source)) fs.copyFileSync(source, path.join(dir, `${label}-${file}`));
	}
}

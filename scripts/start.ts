/**
 * `npm start`: a real n8n 2.41.1 on http://127.0.0.1:5678 with this package installed as a community
 * package, talking to the local sandbox on http://127.0.0.1:8787. Ctrl-C stops everything.
 *
 *   1. npm run build && npm pack                  (the package exactly as it would be published)
 *   2. install the pinned n8n runtime if needed   (e2e/n8n-runtime; first run only, ~7 min)
 *   3. start the sandbox                          (sandbox/cli.ts --port 8787 --seed-calls 40)
 *   4. install the tarball into the n8n user folder like Settings > Community nodes does
 *   5. create the credential "Agentive Voice (sandbox)" and import examples/*.json (the AI-agent example's
 *      model is the scripted demo model, e2e/model-server, started on a free port with its credential)
 *   6. start n8n, set up the owner account, create the examples' data tables (REST, as the editor does)
 *      and publish the data-table reconcile example when this start imported it; print the login
 *
 * Options: --skip-build (use the existing dist/), --fresh (delete the n8n user folder first),
 * --port N (n8n, default 5678), --sandbox-port N (default 8787), --seed-calls N (default 40).
 *
 * Queue mode (`npm start -- --queue --workers 2`): the same, scaled out the way n8n scales: Redis and
 * PostgreSQL (Debian's packages, installed with apt-get when missing; data in <user folder>/queue), one
 * main on the port above and N `n8n worker` processes (--workers N, default 2; --concurrency C jobs
 * each, default 10), all sharing the user folder. See e2e/lib/queue-stack.ts.
 * The user folder defaults to ~/.local/share/n8n-nodes-agentive-voice/n8n-user
 * (override with AGENTIVE_N8N_USER_FOLDER).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { AGENT_WORKFLOW_ID, chatWebhookId, modelCredential } from '../e2e/lib/ai-agent';
import {
	CALLS_TABLE,
	DataTables,
	EXAMPLE_DATA_TABLES,
	RECONCILE_TABLE_WORKFLOW_ID,
} from '../e2e/lib/data-tables';
import { demoResponder } from '../e2e/model-server/demo';
import { startModelServer } from '../e2e/model-server/server';
import { buildAndPack } from '../e2e/lib/package';
import { formatDuration, log, stopAllLongRunning } from '../e2e/lib/proc';
import { ensureRuntime } from '../e2e/lib/runtime';
import { startQueueStack, type QueueStack } from '../e2e/lib/queue-stack';
import {
	DEFAULT_OWNER,
	EXAMPLE_FILES_FOLDER,
	SANDBOX_CREDENTIAL,
	defaultUserFolder,
	loadExampleWorkflows,
	startStack,
	type Stack,
} from '../e2e/lib/stack';

function integer(text: string, name: string): number {
	const value = Number(text);
	if (!/^\d+$/.test(text) || value > 65535) throw new Error(`${name} must be a port number.`);
	return value;
}

function count(text: string, name: string, max: number): number {
	const value = Number(text);
	if (!/^\d+$/.test(text) || value < 1 || value > max)
		throw new Error(`${name} must be a whole number from 1 to ${max}.`);
	return value;
}

const state: {
	stack?: { stop(): Promise<void> };
	stopQueue?: () => Promise<void>;
	stopping: boolean;
	since: number;
} = { stopping: false, since: 0 };

async function shutdown(reason: string, code: number): Promise<void> {
	if (state.stopping) {
		// The same Ctrl-C often arrives twice (from the terminal and relayed by tsx/npm): ignore repeats
		// for a moment; a later second Ctrl-C leaves at once (children are SIGKILLed on exit).
		if (Date.now() - state.since < 2000) return;
		log('Second Ctrl-C: exiting now.');
		process.exit(130);
	}
	state.stopping = true;
	state.since = Date.now();
	log(`${reason} Stopping n8n and the sandbox…`);
	if (state.stack) await state.stack.stop();
	else if (state.stopQueue)
		await state.stopQueue(); // queue mode, interrupted during start-up
	else await stopAllLongRunning(); // interrupted during start-up; running installs are killed on exit
	log('Stopped.');
	process.exit(code);
}

async function main(): Promise<number> {
	process.on('SIGINT', () => void shutdown('Ctrl-C.', 0));
	process.on('SIGTERM', () => void shutdown('SIGTERM.', 0));

	const { values } = parseArgs({
		options: {
			'skip-build': { type: 'boolean' },
			fresh: { type: 'boolean' },
			port: { type: 'string', default: '5678' },
			'sandbox-port': { type: 'string', default: '8787' },
			'seed-calls': { type: 'string', default: '40' },
			queue: { type: 'boolean' },
			workers: { type: 'string' },
			concurrency: { type: 'string' },
		},
		strict: true,
	});
	if (!values.queue && (values.workers !== undefined || values.concurrency !== undefined)) {
		throw new Error('--workers and --concurrency need --queue (npm start -- --queue --workers 2).');
	}
	const started = Date.now();
	const userFolder = defaultUserFolder();
	if (values.fresh && fs.existsSync(userFolder)) {
		log(`--fresh: deleting ${userFolder}`);
		fs.rmSync(userFolder, { recursive: true, force: true });
	}

	const packed = await buildAndPack({ skipBuild: values['skip-build'] });
	const runtime = await ensureRuntime();
	const workflows = loadExampleWorkflows();
	if (workflows.length === 0) log('No example workflows in examples/ yet; nothing to import.');

	// The local-file example writes here; n8n 2.x lets file nodes use only the folders it is told.
	fs.mkdirSync(EXAMPLE_FILES_FOLDER, { recursive: true });
	if (values.queue) {
		return await startQueue({
			packed,
			runtime,
			workflows,
			userFolder,
			started,
			n8nPort: integer(values.port as string, '--port'),
			sandboxPort: integer(values['sandbox-port'] as string, '--sandbox-port'),
			seedCalls: Number(values['seed-calls']),
			workers: count(values.workers ?? '2', '--workers', 16),
			concurrency: count(values.concurrency ?? '10', '--concurrency', 100),
		});
	}
	// The AI-agent example's model: the scripted demo model (e2e/model-server) on a free port, and its credential.
	const sandboxOrigin: { value?: string } = {};
	const model = await startModelServer({
		responder: demoResponder({ sandboxOrigin: () => sandboxOrigin.value }),
	});
	const stack = await startStack({
		credentials: [modelCredential(model)],
		n8nEnv: { N8N_RESTRICT_FILE_ACCESS_TO: `~/.n8n-files;${EXAMPLE_FILES_FOLDER}` },
		runtime,
		packed,
		userFolder,
		n8nPort: integer(values.port as string, '--port'),
		sandboxPort: integer(values['sandbox-port'] as string, '--sandbox-port'),
		seedCalls: Number(values['seed-calls']),
		owner: DEFAULT_OWNER,
		workflows,
		keepExistingWorkflows: true,
		dataTables: EXAMPLE_DATA_TABLES,
		publishAfterStart: [RECONCILE_TABLE_WORKFLOW_ID],
	});
	state.stack = stack;
	sandboxOrigin.value = stack.sandbox.origin;
	if (state.stopping) {
		// Ctrl-C arrived during start-up: the shutdown already running owns the exit.
		await stack.stop();
		return 0;
	}

	const { n8n, sandbox, owner } = stack;
	const agentExample = workflows.find((workflow) => workflow.id === AGENT_WORKFLOW_ID);
	const examples =
		stack.importedWorkflows.length + stack.skippedWorkflows.length === 0
			? 'none yet'
			: `${stack.importedWorkflows.length} imported, ${stack.skippedWorkflows.length} already present (kept as they are)`;
	const lines = [
		'',
		`  n8n with ${packed.name}@${packed.version} is running (ready in ${formatDuration(Date.now() - started)}).`,
		'',
		`  n8n editor     ${n8n.baseUrl}/`,
		`  Login          ${owner.email}`,
		`  Password       ${owner.password}`,
		`  Credential     "${SANDBOX_CREDENTIAL.name}" (type Agentive Voice API) -> ${sandbox.url}`,
		`  Sandbox API    ${sandbox.url}   (publishable key ${sandbox.apiKey})`,
		`  Examples       ${examples}`,
		`  Data table     "${CALLS_TABLE.name}" (Overview › Data tables), filled by the published reconcile example`,
		...(agentExample
			? [
					`  AI agent chat  ${n8n.baseUrl}/webhook/${chatWebhookId(agentExample)}/chat   (scripted demo model at ${model.baseUrl})`,
				]
			: []),
		`  n8n data       ${n8n.userFolder}`,
		`  Logs           ${path.join(n8n.userFolder, 'n8n.log')}, ${path.join(n8n.userFolder, 'sandbox.log')}`,
		'',
		'  Press Ctrl-C to stop n8n and the sandbox.',
		'',
	];
	process.stdout.write(`${lines.join('\n')}\n`);

	// If either process dies on its own, stop the other and fail.
	const n8nExit = stack.n8n.running ? waitForExit(stack, 'n8n') : Promise.resolve('n8n');
	const which = await Promise.race([n8nExit, waitForExit(stack, 'sandbox')]);
	if (!state.stopping)
		await shutdown(`The ${which} process exited unexpectedly (see the logs above).`, 1);
	return 1;
}

interface QueueStart {
	packed: Awaited<ReturnType<typeof buildAndPack>>;
	runtime: Awaited<ReturnType<typeof ensureRuntime>>;
	workflows: ReturnType<typeof loadExampleWorkflows>;
	userFolder: string;
	started: number;
	n8nPort: number;
	sandboxPort: number;
	seedCalls: number;
	workers: number;
	concurrency: number;
}

/** `npm start -- --queue --workers N`. */
async function startQueue(options: QueueStart): Promise<number> {
	const stack: QueueStack = await startQueueStack({
		n8nEnv: { N8N_RESTRICT_FILE_ACCESS_TO: `~/.n8n-files;${EXAMPLE_FILES_FOLDER}` },
		runtime: options.runtime,
		packed: options.packed,
		userFolder: options.userFolder,
		workers: options.workers,
		concurrency: options.concurrency,
		n8nPort: options.n8nPort,
		sandboxPort: options.sandboxPort,
		seedCalls: options.seedCalls,
		owner: DEFAULT_OWNER,
		workflows: options.workflows,
		keepExistingWorkflows: true,
		onStop: (stop) => {
			state.stopQueue = stop;
		},
	});
	state.stack = stack;
	if (state.stopping) {
		await stack.stop();
		return 0;
	}
	const { main, sandbox, owner, workers } = stack;
	// As startStack does for a single n8n: the examples' data tables, then the reconcile example published.
	const tables = new DataTables(main.rest);
	for (const spec of EXAMPLE_DATA_TABLES) {
		if ((await tables.ensure(spec)).created) log(`Created the data table "${spec.name}".`);
	}
	if (stack.importedWorkflows.some((workflow) => workflow.id === RECONCILE_TABLE_WORKFLOW_ID))
		await main.rest.activateWorkflow(RECONCILE_TABLE_WORKFLOW_ID);
	const examples =
		stack.importedWorkflows.length + stack.skippedWorkflows.length === 0
			? 'none yet'
			: `${stack.importedWorkflows.length} imported, ${stack.skippedWorkflows.length} already present (kept as they are)`;
	const lines = [
		'',
		`  n8n in queue mode with ${options.packed.name}@${options.packed.version} is running (ready in ${formatDuration(Date.now() - options.started)}).`,
		'',
		`  n8n editor     ${main.baseUrl}/   (the main: editor, triggers, webhooks, forms)`,
		`  Workers        ${workers.length} × \`n8n worker --concurrency=${options.concurrency}\` (health checks ${workers.map((worker) => worker.baseUrl).join(', ')})`,
		`  Queue          Redis 127.0.0.1:${stack.redis.port}`,
		`  Database       PostgreSQL 127.0.0.1:${stack.postgres.port}, database ${stack.postgres.database}`,
		`  Login          ${owner.email}`,
		`  Password       ${owner.password}`,
		`  Credential     "${SANDBOX_CREDENTIAL.name}" (type Agentive Voice API) -> ${sandbox.url}`,
		`  Sandbox API    ${sandbox.url}   (publishable key ${sandbox.apiKey})`,
		`  Examples       ${examples}`,
		`  Data table     "${CALLS_TABLE.name}" (Overview › Data tables), filled by the published reconcile example`,
		`  n8n data       ${main.userFolder}   (Redis and PostgreSQL data in ${path.join(main.userFolder, 'queue')})`,
		`  Logs           ${path.join(main.userFolder, '{n8n,worker-N,sandbox,redis,postgres}.log')}`,
		'',
		'  Press Ctrl-C to stop the workers, the main, Redis, PostgreSQL and the sandbox.',
		'',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	const exits: Array<Promise<string>> = [
		main.exited().then(() => 'n8n main'),
		sandbox.process.exited.then(() => 'sandbox'),
		stack.redis.process.exited.then(() => 'Redis'),
		stack.postgres.process.exited.then(() => 'PostgreSQL'),
		...workers.map((worker, index) => worker.exited().then(() => `worker ${index + 1}`)),
	];
	const which = await Promise.race(exits);
	if (!state.stopping)
		await shutdown(`The ${which} process exited unexpectedly (see the logs above).`, 1);
	return 1;
}

async function waitForExit(stack: Stack, which: 'n8n' | 'sandbox'): Promise<string> {
	if (which === 'sandbox') await stack.sandbox.process.exited;
	else await stack.n8n.exited();
	return which;
}

main().then(
	(code) => {
		// While a shutdown runs (Ctrl-C), it decides the exit code once everything has stopped.
		if (!state.stopping && code !== 0) process.exit(code);
	},
	(error: Error) => {
		if (state.stopping) return; // the shutdown in progress decides the exit code
		process.stderr.write(`\nnpm start failed: ${error.message}\n`);
		process.exit(1);
	},
);

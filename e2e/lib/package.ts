/**
 * Build and pack our package, then install the tarball into an n8n user folder the way n8n 2.41.1's
 * Community Nodes installer does (CommunityPackagesService.downloadPackage):
 *
 *   1. extract the tarball into ~/.n8n/nodes/node_modules/<name> (tar -xzf --strip-components=1)
 *   2. drop devDependencies, peerDependencies and optionalDependencies from its package.json
 *   3. `npm install --ignore-scripts …` inside it (only when it has dependencies; ours has none)
 *   4. record "<name>": "<version>" in ~/.n8n/nodes/package.json ("installed-nodes")
 *
 * At boot n8n's community-packages module scans ~/.n8n/nodes/node_modules for n8n-nodes-* folders.
 * n8n-workflow (our peer dependency) is then resolved through the NODE_PATH n8n sets up, i.e. n8n's own
 * copy, as long as no folder above the user folder has a node_modules/n8n-workflow (see below).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_NAME, REPO_ROOT, WORK_DIR } from './paths';
import { formatDuration, log, runChecked } from './proc';

export interface PackedPackage {
	tarball: string;
	name: string;
	version: string;
}

/** `npm run build` then `npm pack` into e2e/.work. */
export async function buildAndPack(options: { skipBuild?: boolean } = {}): Promise<PackedPackage> {
	const logs = path.join(WORK_DIR, 'logs');
	fs.mkdirSync(logs, { recursive: true });
	if (!options.skipBuild) {
		const started = Date.now();
		log('Building the package (npm run build)…');
		await runChecked('npm', ['run', 'build'], {
			cwd: REPO_ROOT,
			logFile: path.join(logs, 'build.log'),
		});
		log(`  built in ${formatDuration(Date.now() - started)}.`);
	}
	// One folder per process: two e2e runs at once (or a bench beside a test) never delete each other's tarball.
	const destination = path.join(WORK_DIR, `pack-${process.pid}`);
	fs.rmSync(destination, { recursive: true, force: true });
	fs.mkdirSync(destination, { recursive: true });
	const { stdout } = await runChecked(
		'npm',
		['pack', '--json', '--pack-destination', destination, '--loglevel=error'],
		{
			cwd: REPO_ROOT,
			logFile: path.join(logs, 'build.log'),
		},
	);
	const packed = parsePackJson(stdout);
	const tarball = path.join(destination, packed.filename);
	log(
		`Packed ${path.relative(REPO_ROOT, tarball)} (${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} kB).`,
	);
	return { tarball, name: packed.name, version: packed.version };
}

interface PackJson {
	name: string;
	version: string;
	filename: string;
	size: number;
	entryCount: number;
}

function parsePackJson(stdout: string): PackJson {
	// npm may print lifecycle-script output before the JSON array.
	const start = stdout.indexOf('[');
	const parsed = JSON.parse(stdout.slice(start)) as PackJson[];
	if (!parsed[0]?.filename) throw new Error(`Unexpected npm pack output: ${stdout}`);
	return parsed[0];
}

/** n8n's community-nodes folder inside a user folder. */
export function nodesDir(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'nodes');
}

export function installedPackageDir(userFolder: string, name = PACKAGE_NAME): string {
	return path.join(nodesDir(userFolder), 'node_modules', name);
}

/** Install a packed tarball into `userFolder` like Settings > Community nodes > Install does. */
export async function installPackageIntoUserFolder(
	userFolder: string,
	packed: PackedPackage,
): Promise<string> {
	assertNoStrayN8nWorkflow(userFolder);
	const downloadFolder = nodesDir(userFolder);
	const packageDirectory = installedPackageDir(userFolder, packed.name);
	fs.rmSync(packageDirectory, { recursive: true, force: true });
	fs.mkdirSync(packageDirectory, { recursive: true });
	await runChecked('tar', ['-xzf', packed.tarball, '-C', packageDirectory, '--strip-components=1']);

	const packageJsonPath = path.join(packageDirectory, 'package.json');
	const {
		devDependencies: _devDependencies,
		peerDependencies: _peerDependencies,
		optionalDependencies: _optionalDependencies,
		...packageJson
	} = JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as Record<string, unknown>;
	fs.writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2), 'utf8');

	const dependencies = (packageJson.dependencies ?? {}) as Record<string, string>;
	if (Object.keys(dependencies).length > 0) {
		log(`Installing the dependencies of ${packed.name}: ${Object.keys(dependencies).join(', ')}…`);
		await runChecked(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
			],
			{ cwd: packageDirectory },
		);
	}

	const installedNodesJson = path.join(downloadFolder, 'package.json');
	let installedNodes: { name: string; private: boolean; dependencies: Record<string, string> } = {
		name: 'installed-nodes',
		private: true,
		dependencies: {},
	};
	if (fs.existsSync(installedNodesJson)) {
		installedNodes = JSON.parse(
			fs.readFileSync(installedNodesJson, 'utf8'),
		) as typeof installedNodes;
		installedNodes.dependencies ??= {};
	}
	installedNodes.dependencies[packed.name] = packed.version;
	fs.writeFileSync(installedNodesJson, JSON.stringify(installedNodes, null, 2), 'utf8');
	return packageDirectory;
}

/**
 * Node resolves `require('n8n-workflow')` from our installed package by walking up the folders first and
 * only then through NODE_PATH (n8n's copy). A user folder inside this repository would pick up the repo's
 * dev copy from /work/main/node_modules, which a real install never sees; refuse that.
 */
export function assertNoStrayN8nWorkflow(userFolder: string): void {
	let dir = path.resolve(userFolder);
	for (;;) {
		const candidate = path.join(dir, 'node_modules', 'n8n-workflow');
		if (fs.existsSync(candidate)) {
			throw new Error(
				`The n8n user folder ${userFolder} sits below ${path.join(dir, 'node_modules')}, which contains n8n-workflow. ` +
					"Our package would resolve that copy instead of n8n's own; use a user folder outside the repository.",
			);
		}
		const parent = path.dirname(dir);
		if (parent === dir) return;
		dir = parent;
	}
}

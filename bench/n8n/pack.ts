/**
 * Build and pack the package into a private temporary folder. (e2e/lib/package.ts's buildAndPack
 * clears the shared e2e/.work tarballs, which an e2e run in progress may still need.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PackedPackage } from '../../e2e/lib/package';
import { REPO_ROOT, WORK_DIR } from '../../e2e/lib/paths';
import { formatDuration, log, runChecked } from '../../e2e/lib/proc';

export interface PrivatePack extends PackedPackage {
	/** Removes the temporary folder holding the tarball. */
	remove(): void;
}

export async function buildAndPackPrivately(options: { skipBuild: boolean }): Promise<PrivatePack> {
	const logs = path.join(WORK_DIR, 'logs');
	fs.mkdirSync(logs, { recursive: true });
	const buildLog = path.join(logs, 'bench-n8n-build.log');
	if (!options.skipBuild) {
		const started = Date.now();
		log('Building the package (npm run build)…');
		await runChecked('npm', ['run', 'build'], { cwd: REPO_ROOT, logFile: buildLog });
		log(`  built in ${formatDuration(Date.now() - started)}.`);
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentive-voice-bench-pack-'));
	const remove = () => fs.rmSync(dir, { recursive: true, force: true });
	try {
		const { stdout } = await runChecked(
			'npm',
			['pack', '--json', '--pack-destination', dir, '--loglevel=error'],
			{
				cwd: REPO_ROOT,
				logFile: buildLog,
			},
		);
		const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
			name: string;
			version: string;
			filename: string;
		}>;
		if (!packed?.filename) throw new Error(`Unexpected npm pack output: ${stdout}`);
		log(`Packed ${packed.name}@${packed.version}.`);
		return {
			tarball: path.join(dir, packed.filename),
			name: packed.name,
			version: packed.version,
			remove,
		};
	} catch (error) {
		remove();
		throw error;
	}
}

/**
 * Packs the package as npm would publish it, then checks the tarball offline:
 * n8n's community-package scanner rules (@n8n/scan-community-package's analyzePackage),
 * the file list (only dist/, README, LICENSE, package.json) and zero runtime dependencies.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ALLOWED = [
	/^package\/package\.json$/,
	/^package\/README\.md$/,
	/^package\/LICENSE(\.md)?$/,
	/^package\/dist\//,
];

async function main(): Promise<void> {
	const work = mkdtempSync(path.join(tmpdir(), 'agentive-pack-'));
	try {
		const packed = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--pack-destination', work], { encoding: 'utf8' }),
		) as Array<{ filename: string; files: Array<{ path: string }> }>;
		const tarball = path.join(work, packed[0].filename);
		const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
		const stray = files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
		if (stray.length)
			throw new Error(`The tarball holds files that must not ship: ${stray.join(', ')}`);
		if (!files.some((file) => file.endsWith('AgentiveVoice.node.json')))
			throw new Error('The codex file is missing from the tarball');
		if (!files.some((file) => file.endsWith('.dark.svg')))
			throw new Error('The dark icon is missing from the tarball');

		execFileSync('tar', ['-xzf', tarball, '-C', work]);
		const unpacked = path.join(work, 'package');
		const manifest = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8')) as {
			dependencies?: Record<string, string>;
		};
		const dependencies = Object.keys(manifest.dependencies ?? {});
		if (dependencies.length)
			throw new Error(`The package has runtime dependencies: ${dependencies.join(', ')}`);

		const { analyzePackage } = await import('@n8n/scan-community-package/scanner/scanner.mjs');
		const result = await analyzePackage(unpacked);
		if (!result.passed)
			throw new Error(`Community package scan failed: ${result.message}\n${result.details ?? ''}`);
		console.log(
			`scan: ${packed[0].filename}, ${files.length} files, 0 runtime dependencies, community-package rules passed`,
		);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});

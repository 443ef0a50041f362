/**
 * Runs once before the e2e suites: installs the pinned n8n runtime if needed (first run ~7 min) and
 * builds + packs the package. Suites read the results from the environment (see e2e/lib/harness.ts).
 */
import { buildAndPack } from './lib/package';
import { log } from './lib/proc';
import { ensureRuntime } from './lib/runtime';

export default async function globalSetup(): Promise<void> {
	process.stderr.write('\n');
	const runtime = await ensureRuntime();
	const packed = await buildAndPack({ skipBuild: process.env.E2E_SKIP_BUILD === '1' });
	process.env.AGENTIVE_E2E_TARBALL = packed.tarball;
	process.env.AGENTIVE_E2E_PACKAGE = JSON.stringify(packed);
	log(`e2e: n8n ${runtime.n8nVersion} with ${packed.name}@${packed.version}`);
}

/**
 * Per-suite helpers for the e2e tests: boot a private stack (sandbox + n8n on free ports, a temporary
 * user folder outside the repository) in beforeAll, stop it and archive its logs in afterAll.
 *
 * Environment: E2E_KEEP=1 keeps the temporary user folder; logs always go to e2e/.work/logs/<suite>-*.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkflowImport } from './n8n';
import type { PackedPackage } from './package';
import { log } from './proc';
import { ensureRuntime, type RuntimeSpec } from './runtime';
import { archiveLogs, startStack, tempUserFolder, type Stack, type StackOptions } from './stack';

export function packedFromEnv(): PackedPackage {
	const raw = process.env.AGENTIVE_E2E_PACKAGE;
	if (!raw)
		throw new Error(
			'AGENTIVE_E2E_PACKAGE is not set: run the e2e tests with `npm run test:e2e` (e2e/jest.config.js).',
		);
	return JSON.parse(raw) as PackedPackage;
}

export interface SuiteStackOptions
	extends Partial<Pick<StackOptions, 'seedCalls' | 'sandboxArgs' | 'n8nEnv' | 'owner'>> {
	workflows?: WorkflowImport[];
	/** Another n8n than the pinned one (e.g. one of COMPAT_RUNTIMES); it must be installed already or installs now. */
	runtime?: RuntimeSpec;
}

export async function bootSuiteStack(
	label: string,
	options: SuiteStackOptions = {},
): Promise<Stack> {
	const runtime = await ensureRuntime(options.runtime);
	const userFolder = tempUserFolder(label);
	log(`e2e ${label}: user folder ${userFolder}`);
	return await startStack({
		runtime,
		packed: packedFromEnv(),
		userFolder,
		n8nPort: 0,
		sandboxPort: 0,
		seedCalls: options.seedCalls ?? 5,
		sandboxArgs: options.sandboxArgs,
		owner: options.owner,
		workflows: options.workflows,
		n8nEnv: options.n8nEnv,
	}).catch((error: Error) => {
		const dir = archiveLogs(userFolder, label);
		throw new Error(
			`${error.message}\n(logs: ${path.relative(process.cwd(), dir)}/${label}-*, user folder ${userFolder})`,
		);
	});
}

export async function stopSuiteStack(stack: Stack | undefined, label: string): Promise<void> {
	if (!stack) return;
	await stack.stop();
	const dir = archiveLogs(stack.n8n.userFolder, label);
	log(`e2e ${label}: logs in ${path.relative(process.cwd(), dir)}/${label}-*`);
	if (process.env.E2E_KEEP !== '1')
		fs.rmSync(stack.n8n.userFolder, { recursive: true, force: true });
	else log(`e2e ${label}: kept ${stack.n8n.userFolder}`);
}

/** Every file under `dir` (skipping node_modules) whose content contains `needle`, with counts. */
export function searchFiles(
	dir: string,
	needle: string,
	skip: (file: string) => boolean = () => false,
): Array<{ file: string; count: number }> {
	const hits: Array<{ file: string; count: number }> = [];
	const walk = (current: string) => {
		for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
			const full = path.join(current, entry.name);
			if (entry.isDirectory()) {
				if (entry.name !== 'node_modules') walk(full);
			} else if (entry.isFile() && !skip(full)) {
				const count = fs.readFileSync(full).toString('latin1').split(needle).length - 1;
				if (count > 0) hits.push({ file: path.relative(dir, full), count });
			}
		}
	};
	walk(dir);
	return hits;
}

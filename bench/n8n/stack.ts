/**
 * The benchmark's stack: two sandboxes in their own processes (one rate-limited, one unlimited for
 * the overhead figures) and one real n8n 2.41.1 with our packed package installed as a community
 * package, a credential for each sandbox and the benchmark's workflows imported with the n8n CLI.
 * Built from the e2e pieces (e2e/lib), in a temporary user folder outside the repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { N8n, type WorkflowImport } from '../../e2e/lib/n8n';
import { installPackageIntoUserFolder, type PackedPackage } from '../../e2e/lib/package';
import { CREDENTIAL_TYPE } from '../../e2e/lib/paths';
import { log } from '../../e2e/lib/proc';
import type { Runtime } from '../../e2e/lib/runtime';
import { startSandbox, type SandboxHandle } from '../../e2e/lib/sandbox';
import {
	archiveLogs,
	assertPackageLoaded,
	DEFAULT_OWNER,
	tempUserFolder,
} from '../../e2e/lib/stack';
import type { PrivatePack } from './pack';
import { activateAll, RetrySandbox } from './retry-scenario';
import type { CredentialRef } from './workflows';
import type { RateLimit } from './metrics';

export const LIMITED_CREDENTIAL: CredentialRef = {
	id: 'AgVoiceBenchLim1',
	name: 'Agentive Voice (rate-limited sandbox)',
};
export const UNLIMITED_CREDENTIAL: CredentialRef = {
	id: 'AgVoiceBenchUnl1',
	name: 'Agentive Voice (unlimited sandbox)',
};
const LOG_LABEL = 'bench-n8n';

export interface BenchStack {
	limited: SandboxHandle;
	unlimited: SandboxHandle;
	n8n: N8n;
	userFolder: string;
	stop(): Promise<void>;
}

export interface BenchStackOptions {
	runtime: Runtime;
	packed: PackedPackage;
	rate: RateLimit;
	/** Workflows for the two sandboxes' URLs, imported before n8n starts. */
	workflows(urls: { limited: string; unlimited: string }): WorkflowImport[];
	/** Called as soon as there is something to stop, so an interrupt can stop it. */
	onStop(stop: () => Promise<void>): void;
}

function credential(ref: CredentialRef, sandbox: SandboxHandle) {
	return {
		...ref,
		type: CREDENTIAL_TYPE,
		data: { publishableKey: sandbox.apiKey, secretKey: sandbox.apiSecret, baseUrl: sandbox.url },
	};
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
	const userFolder = tempUserFolder(LOG_LABEL);
	const started: Array<{ stop(): Promise<void> }> = [];
	let stopping: Promise<void> | undefined;
	const stop = () => {
		stopping ??= (async () => {
			for (const part of started.reverse()) await part.stop().catch(() => undefined);
			const dir = archiveLogs(userFolder, LOG_LABEL);
			log(`Logs copied to ${path.relative(process.cwd(), dir)}/${LOG_LABEL}-*`);
			if (process.env.BENCH_KEEP === '1') log(`Kept the n8n user folder ${userFolder}`);
			else fs.rmSync(userFolder, { recursive: true, force: true });
		})();
		return stopping;
	};
	options.onStop(stop);
	try {
		const sandboxLog = path.join(userFolder, 'sandbox.log');
		const limited = await startSandbox({
			port: 0,
			extraArgs: [
				'--rate-limit',
				String(options.rate.limit),
				'--window-ms',
				String(options.rate.windowMs),
				'--otp-limit',
				'unlimited',
			],
			logFile: sandboxLog,
		});
		started.push(limited);
		const unlimited = await startSandbox({
			port: 0,
			extraArgs: ['--rate-limit', 'unlimited', '--otp-limit', 'unlimited'],
			logFile: sandboxLog,
		});
		started.push(unlimited);
		log(
			`Sandboxes: ${limited.url} (${options.rate.limit} per ${options.rate.windowMs / 1000} s), ${unlimited.url} (unlimited)`,
		);

		const n8n = new N8n({ runtime: options.runtime, userFolder, port: 0 });
		started.push(n8n);
		await installPackageIntoUserFolder(n8n.userFolder, options.packed);
		await n8n.importCredentials([
			credential(LIMITED_CREDENTIAL, limited),
			credential(UNLIMITED_CREDENTIAL, unlimited),
		]);
		const workflows = options.workflows({ limited: limited.url, unlimited: unlimited.url });
		log(`Importing ${workflows.length} workflows (n8n import:workflow)…`);
		await n8n.importWorkflows(workflows);
		log('Starting n8n…');
		await n8n.start();
		await n8n.rest.ensureOwner(DEFAULT_OWNER);
		await assertPackageLoaded(n8n);
		return { limited, unlimited, n8n, userFolder, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * The start the Retry benches share: the stack with their workflows imported and published, the
 * private pack removed (n8n has installed it), and the limited sandbox's controls.
 */
export async function startPublishedStack(
	options: Omit<BenchStackOptions, 'workflows' | 'packed'> & { packed: PrivatePack },
	workflows: WorkflowImport[],
): Promise<{ stack: BenchStack; sandbox: RetrySandbox }> {
	const stack = await startBenchStack({ ...options, workflows: () => workflows });
	options.packed.remove();
	await activateAll(
		stack.n8n.rest,
		workflows.map((workflow) => workflow.id as string),
	);
	const control = stack.limited.controlUrl ?? `${stack.limited.origin}/__sandbox`;
	return { stack, sandbox: new RetrySandbox(control) };
}

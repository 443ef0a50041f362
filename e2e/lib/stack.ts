/**
 * The whole local stack, shared by `npm start` and the e2e tests: the sandbox, then a real n8n with our
 * package installed as a community package, the sandbox credential, the example workflows and an owner.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataTables, type DataTableSpec } from './data-tables';
import { N8n, type CredentialImport, type WorkflowImport } from './n8n';
import type { OwnerAccount } from './n8n-rest';
import { installPackageIntoUserFolder, type PackedPackage } from './package';
import { CREDENTIAL_TYPE, EXAMPLES_DIR, NODE_TYPES, PACKAGE_NAME, WORK_DIR } from './paths';
import { log } from './proc';
import type { Runtime } from './runtime';
import { startSandbox, type SandboxHandle } from './sandbox';

/** The credential `npm start` and the tests create; example workflows should reference it by this id and name. */
export const SANDBOX_CREDENTIAL = {
	id: 'AgVoiceSandbox01',
	name: 'Agentive Voice (sandbox)',
} as const;

export const DEFAULT_OWNER: OwnerAccount = {
	email: 'owner@agentive-voice.test',
	password: 'Sandbox-Owner-2026',
	firstName: 'Sandbox',
	lastName: 'Owner',
};

export interface StackOptions {
	runtime: Runtime;
	packed: PackedPackage;
	userFolder: string;
	/** 0 = free port. */
	n8nPort: number;
	/** 0 = free port. */
	sandboxPort: number;
	seedCalls?: number;
	sandboxArgs?: string[];
	owner?: OwnerAccount;
	/** Workflows to import (upsert by id); those with `active: true` are published before n8n starts. */
	workflows?: WorkflowImport[];
	/** Import only workflows whose id is not in n8n yet (keeps a user's edits across `npm start`s). */
	keepExistingWorkflows?: boolean;
	/** Extra environment for n8n. */
	n8nEnv?: Record<string, string>;
	/** More credentials to create with the sandbox's (e.g. the AI-agent example's model, e2e/lib/ai-agent.ts). */
	credentials?: CredentialImport[];
	/** n8n data tables to create (REST, as the editor does) once n8n runs, unless one of that name exists. */
	dataTables?: DataTableSpec[];
	/**
	 * Workflows to publish (REST, the editor's Publish) after the data tables exist, when they were
	 * imported by this start; a workflow kept from an earlier run is left as the user left it.
	 */
	publishAfterStart?: string[];
}

export interface Stack {
	sandbox: SandboxHandle;
	n8n: N8n;
	owner: OwnerAccount;
	ownerStatus: 'created' | 'logged-in';
	importedWorkflows: WorkflowImport[];
	skippedWorkflows: WorkflowImport[];
	stop(): Promise<void>;
}

/** Where the local-file reconcile example writes its CSV files (allowed for n8n by `npm start`). */
export const EXAMPLE_FILES_FOLDER = '/tmp/agentive-voice-calls';

export async function startStack(options: StackOptions): Promise<Stack> {
	const owner = options.owner ?? DEFAULT_OWNER;
	fs.mkdirSync(options.userFolder, { recursive: true });
	const sandbox = await startSandbox({
		port: options.sandboxPort,
		seedCalls: options.seedCalls,
		extraArgs: options.sandboxArgs,
		logFile: path.join(options.userFolder, 'sandbox.log'),
	});
	log(`Sandbox API on ${sandbox.url}`);
	const n8n = new N8n({
		runtime: options.runtime,
		userFolder: options.userFolder,
		port: options.n8nPort,
		env: options.n8nEnv,
	});
	const stop = async () => {
		await n8n.stop();
		await sandbox.stop();
	};
	try {
		await installPackageIntoUserFolder(n8n.userFolder, options.packed);
		log(
			`Installed ${options.packed.name}@${options.packed.version} into ${path.join(n8n.userFolder, '.n8n', 'nodes')}`,
		);

		log(`Creating the credential "${SANDBOX_CREDENTIAL.name}" (n8n import:credentials)…`);
		await n8n.importCredentials([
			{
				...SANDBOX_CREDENTIAL,
				type: CREDENTIAL_TYPE,
				data: {
					publishableKey: sandbox.apiKey,
					secretKey: sandbox.apiSecret,
					baseUrl: sandbox.url,
				},
			},
			...(options.credentials ?? []),
		]);

		let workflows = options.workflows ?? [];
		let skipped: WorkflowImport[] = [];
		if (options.keepExistingWorkflows && workflows.length > 0 && fs.existsSync(n8n.databaseFile)) {
			const existing = new Set(
				(await n8n.query<{ id: string }>('SELECT id FROM workflow_entity')).map((row) => row.id),
			);
			skipped = workflows.filter((w) => w.id && existing.has(w.id));
			workflows = workflows.filter((w) => !w.id || !existing.has(w.id));
		}
		if (workflows.length > 0) {
			log(`Importing ${workflows.length} workflow(s) (n8n import:workflow)…`);
			await n8n.importWorkflows(workflows);
			for (const workflow of workflows.filter((w) => w.active === true && w.id)) {
				await n8n.publishWorkflowCli(workflow.id as string);
			}
		}

		log('Starting n8n…');
		await n8n.start();
		const ownerStatus = await n8n.rest.ensureOwner(owner);
		await assertPackageLoaded(n8n);
		const tables = new DataTables(n8n.rest);
		for (const spec of options.dataTables ?? []) {
			if ((await tables.ensure(spec)).created) log(`Created the data table "${spec.name}".`);
		}
		for (const id of options.publishAfterStart ?? []) {
			if (!workflows.some((workflow) => workflow.id === id)) continue;
			await n8n.rest.activateWorkflow(id);
			log(`Published the workflow ${id}.`);
		}
		return {
			sandbox,
			n8n,
			owner,
			ownerStatus,
			importedWorkflows: workflows,
			skippedWorkflows: skipped,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Our node types are registered and n8n logged no error about our package. */
export async function assertPackageLoaded(n8n: N8n): Promise<void> {
	const problems = packageLoadProblems(n8n.readLog());
	if (problems.length > 0)
		throw new Error(`n8n reported problems loading ${PACKAGE_NAME}:\n${problems.join('\n')}`);
	const names = new Set((await n8n.rest.nodeTypes()).map((type) => type.name));
	const missing = Object.values(NODE_TYPES).filter((name) => !names.has(name));
	if (missing.length === Object.values(NODE_TYPES).length) {
		throw new Error(
			`n8n did not load any node of ${PACKAGE_NAME}. Last lines of ${n8n.logFile}:\n${n8n.logTail(30)}`,
		);
	}
	if (missing.length > 0) {
		log(`Warning: node type(s) not loaded by n8n: ${missing.join(', ')} (see ${n8n.logFile}).`);
	}
}

/** Log lines in which n8n complains about our package. */
export function packageLoadProblems(logText: string): string[] {
	return logText
		.split('\n')
		.filter((line) => line.includes(PACKAGE_NAME) || line.includes('agentiveVoice'))
		.filter((line) => /error|fail|skipping|cannot|could not|unknown/i.test(line));
}

/** Workflow JSON files in examples/ (any depth), each with a stable id derived from its path if it has none. */
export function loadExampleWorkflows(dir = EXAMPLES_DIR): WorkflowImport[] {
	if (!fs.existsSync(dir)) return [];
	const files: string[] = [];
	const walk = (current: string) => {
		for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
			const full = path.join(current, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.isFile() && entry.name.endsWith('.json')) files.push(full);
		}
	};
	walk(dir);
	return files.sort().flatMap((file) => {
		const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<WorkflowImport>;
		if (!Array.isArray(parsed.nodes) || typeof parsed.connections !== 'object') return []; // not a workflow
		const relative = path.relative(dir, file);
		const id = parsed.id ?? `ex${createHash('sha256').update(relative).digest('hex').slice(0, 14)}`;
		return [
			{ ...(parsed as WorkflowImport), id, name: parsed.name ?? path.basename(file, '.json') },
		];
	});
}

/** Default persistent user folder for `npm start`: outside the repo (see assertNoStrayN8nWorkflow). */
export function defaultUserFolder(): string {
	if (process.env.AGENTIVE_N8N_USER_FOLDER)
		return path.resolve(process.env.AGENTIVE_N8N_USER_FOLDER);
	const dataHome = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
	return path.join(dataHome, 'n8n-nodes-agentive-voice', 'n8n-user');
}

/** A fresh temporary user folder for a test run. */
export function tempUserFolder(label: string): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), `agentive-voice-${label}-`));
}

/** Keep a copy of a run's logs in e2e/.work/logs (the user folder may be deleted). */
export function archiveLogs(userFolder: string, label: string): string {
	const dir = path.join(WORK_DIR, 'logs');
	fs.mkdirSync(dir, { recursive: true });
	for (const file of ['n8n.log', 'n8n-cli.log', 'sandbox.log']) {
		const source = path.join(userFolder, file);
		if (fs.existsSync(source)) fs.copyFileSync(source, path.join(dir, `${label}-${file}`));
	}
	return dir;
}

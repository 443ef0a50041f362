/**
 * Runs the Agentive Voice sandbox (`sandbox/cli.ts`) as a child process. Its first stdout line is one
 * JSON object: { url, api_key, api_secret, control_url?, origin? }; it serves until SIGINT/SIGTERM.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';
import { startLongRunning, type LongRunning } from './proc';

export interface SandboxHandle {
	/** Base URL of the public API, e.g. http://127.0.0.1:8787/api/public/v1 */
	url: string;
	apiKey: string;
	apiSecret: string;
	/** http://127.0.0.1:PORT */
	origin: string;
	/** Test-control endpoints (clock, faults, request log), when the sandbox provides them. */
	controlUrl?: string;
	process: LongRunning;
	stop(): Promise<void>;
}

export interface SandboxOptions {
	/** 0 = any free port. */
	port: number;
	seedCalls?: number;
	extraArgs?: string[];
	/** Where the sandbox's stderr (and stdout after the first line) goes. */
	logFile?: string;
	timeoutMs?: number;
}

interface ReadyLine {
	url: string;
	api_key: string;
	api_secret: string;
	control_url?: string;
	origin?: string;
}

export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
	const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
	const args = [path.join(REPO_ROOT, 'sandbox', 'cli.ts'), '--port', String(options.port)];
	if (options.seedCalls !== undefined) args.push('--seed-calls', String(options.seedCalls));
	args.push(...(options.extraArgs ?? []));
	const proc = startLongRunning(tsx, args, {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: process.env,
	});
	const logStream = options.logFile
		? fs.createWriteStream(options.logFile, { flags: 'a' })
		: undefined;
	proc.child.stderr?.on('data', (chunk: Buffer) => logStream?.write(chunk));

	const ready = await new Promise<ReadyLine>((resolve, reject) => {
		let buffered = '';
		let stderr = '';
		let settled = false;
		const finish = (error: Error | undefined, line?: ReadyLine) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			if (error) reject(error);
			else resolve(line as ReadyLine);
		};
		const timer = setTimeout(
			() =>
				finish(
					new Error(
						`The sandbox did not print its ready line within ${options.timeoutMs ?? 30_000} ms.\n${stderr}`,
					),
				),
			options.timeoutMs ?? 30_000,
		);
		proc.child.stderr?.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		proc.child.stdout?.on('data', (chunk: Buffer) => {
			if (settled) {
				logStream?.write(chunk);
				return;
			}
			buffered += chunk.toString();
			const newline = buffered.indexOf('\n');
			if (newline === -1) return;
			const first = buffered.slice(0, newline);
			logStream?.write(buffered.slice(newline + 1));
			try {
				const parsed = JSON.parse(first) as ReadyLine;
				if (!parsed.url || !parsed.api_key || !parsed.api_secret)
					throw new Error('missing url/api_key/api_secret');
				finish(undefined, parsed);
			} catch (error) {
				finish(
					new Error(
						`Unexpected first line from the sandbox (${(error as Error).message}): ${first}`,
					),
				);
			}
		});
		void proc.exited.then(({ code, signal }) =>
			finish(
				new Error(
					`The sandbox exited before it was ready (code ${code}, signal ${signal}).\n${stderr}`,
				),
			),
		);
	}).catch(async (error: Error) => {
		await proc.stop(2000);
		logStream?.end();
		throw error;
	});

	const origin = ready.origin ?? new URL(ready.url).origin;
	return {
		url: ready.url,
		apiKey: ready.api_key,
		apiSecret: ready.api_secret,
		origin,
		controlUrl: ready.control_url,
		process: proc,
		stop: async () => {
			await proc.stop(5000);
			logStream?.end();
		},
	};
}

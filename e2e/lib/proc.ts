/**
 * Small process helpers: progress logging, running commands, and owning long-lived child processes
 * (each in its own process group, so a stop never leaves a grandchild such as n8n's task runner behind).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';

const startedAt = Date.now();

/** Progress line on stderr, prefixed with the elapsed time of this process. */
export function log(message: string): void {
	const seconds = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
	process.stderr.write(`[${seconds}s] ${message}\n`);
}

export function formatDuration(ms: number): string {
	if (ms < 1000) return `${ms} ms`;
	const s = ms / 1000;
	if (s < 90) return `${s.toFixed(1)} s`;
	return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Append stdout+stderr to this file instead of capturing them in memory only. */
	logFile?: string;
	/** Kill the command (whole process group) after this many ms. */
	timeoutMs?: number;
	/** Data for stdin. */
	input?: string;
}

export interface RunResult {
	code: number;
	stdout: string;
	stderr: string;
}

export class CommandError extends Error {
	constructor(
		message: string,
		readonly result: RunResult,
	) {
		super(message);
		this.name = 'CommandError';
	}
}

/** Run a command to completion; resolves with its output whatever the exit code. */
export function runCommand(
	command: string,
	args: string[],
	options: RunOptions = {},
): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const logStream = options.logFile
			? fs.createWriteStream(options.logFile, { flags: 'a' })
			: undefined;
		logStream?.write(`\n$ ${command} ${args.join(' ')}\n`);
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['pipe', 'pipe', 'pipe'],
			detached: true,
		});
		untilExit.add(child);
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			logStream?.write(chunk);
		});
		child.stderr?.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			logStream?.write(chunk);
		});
		// A command that exits before reading its stdin (chown, psql -c) must not fail the caller with EPIPE.
		child.stdin?.on('error', () => undefined);
		child.stdin?.end(options.input ?? '');
		let timer: NodeJS.Timeout | undefined;
		if (options.timeoutMs) {
			timer = setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs);
		}
		child.on('error', (error) => {
			if (timer) clearTimeout(timer);
			untilExit.delete(child);
			logStream?.end();
			reject(error);
		});
		child.on('close', (code, signal) => {
			if (timer) clearTimeout(timer);
			untilExit.delete(child);
			const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
			if (logStream) logStream.end(() => resolve(result));
			else resolve(result);
		});
	});
}

/** Like runCommand, but rejects with the tail of the output when the exit code is not 0. */
export async function runChecked(
	command: string,
	args: string[],
	options: RunOptions = {},
): Promise<RunResult> {
	const result = await runCommand(command, args, options);
	if (result.code !== 0) {
		const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-25).join('\n');
		const where = options.logFile ? ` (full log: ${options.logFile})` : '';
		throw new CommandError(
			`\`${command} ${args.join(' ')}\` exited with ${result.code}${where}:\n${tail}`,
			result,
		);
	}
	return result;
}

/** Children started by this process; killed on exit as a last resort. */
const untilExit = new Set<ChildProcess>();

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

process.on('exit', () => {
	for (const child of untilExit) killGroup(child, 'SIGKILL');
});

export interface LongRunning {
	child: ChildProcess;
	/** Resolves when the process has exited. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** SIGTERM the process group, wait up to graceMs, then SIGKILL the group. */
	stop(graceMs?: number): Promise<void>;
}

const longRunning = new Set<LongRunning>();

/** Gracefully stop every long-running process started by this process (e.g. on Ctrl-C during start-up). */
export async function stopAllLongRunning(graceMs = 30_000): Promise<void> {
	await Promise.all([...longRunning].map((proc) => proc.stop(graceMs)));
}

/** Start a long-lived process in its own process group. */
export function startLongRunning(
	command: string,
	args: string[],
	options: SpawnOptions,
): LongRunning {
	const child = spawn(command, args, { ...options, detached: true });
	untilExit.add(child);
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
		child.once('exit', (code, signal) => {
			untilExit.delete(child);
			resolve({ code, signal });
		});
		child.once('error', () => {
			untilExit.delete(child);
			resolve({ code: null, signal: null });
		});
	});
	let stopping: Promise<void> | undefined;
	const stop = (graceMs = 15_000): Promise<void> => {
		stopping ??= (async () => {
			if (child.exitCode !== null || child.signalCode !== null) {
				// The leader is gone; make sure nothing else of its group survives.
				killGroup(child, 'SIGKILL');
				return;
			}
			killGroup(child, 'SIGTERM');
			const timer = new Promise<'timeout'>((resolve) =>
				setTimeout(() => resolve('timeout'), graceMs).unref(),
			);
			const outcome = await Promise.race([exited.then(() => 'exited' as const), timer]);
			if (outcome === 'timeout')
				log(`Process ${child.pid} did not stop within ${formatDuration(graceMs)}; killing it.`);
			// Kill whatever is left of the group (e.g. a task runner whose parent has exited).
			try {
				process.kill(-(child.pid as number), 'SIGKILL');
			} catch {
				/* group already empty */
			}
			await exited;
		})();
		return stopping;
	};
	const handle = { child, exited, stop };
	longRunning.add(handle);
	void exited.then(() => longRunning.delete(handle));
	return handle;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

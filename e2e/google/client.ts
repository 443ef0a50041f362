/**
 * The test's side of the Google stand-in: starts e2e/google/server.ts as a child process (its own
 * process group, stopped by pid) and drives it through its control API.
 */
import axios, { type AxiosInstance } from 'axios';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../lib/paths';
import { startLongRunning, type LongRunning } from '../lib/proc';
import type { ServiceAccount } from './auth';
import type { LoggedSheetsRequest } from './sheets';

interface ReadyLine {
	control_url: string;
	proxy_url: string;
	ca_file: string;
	n8n_env: Record<string, string>;
}

export interface GoogleState {
	log: LoggedSheetsRequest[];
	tokensIssued: number;
	unmatched: string[];
}

export class GoogleStandInProcess {
	private readonly control: AxiosInstance;

	private constructor(
		readonly ready: ReadyLine,
		private readonly proc: LongRunning,
	) {
		this.control = axios.create({ baseURL: ready.control_url, timeout: 30_000 });
	}

	/** Starts the stand-in; its CA file and log go to `workDir`. */
	static async start(workDir: string, timeoutMs = 60_000): Promise<GoogleStandInProcess> {
		fs.mkdirSync(workDir, { recursive: true });
		const logStream = fs.createWriteStream(path.join(workDir, 'google-standin.log'), {
			flags: 'a',
		});
		const proc = startLongRunning(
			path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
			[path.join(REPO_ROOT, 'e2e', 'google', 'server.ts'), workDir],
			{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
		);
		proc.child.stderr?.pipe(logStream);
		const ready = await new Promise<ReadyLine>((resolve, reject) => {
			let buffered = '';
			const timer = setTimeout(
				() => reject(new Error(`The Google stand-in was not ready within ${timeoutMs} ms.`)),
				timeoutMs,
			);
			proc.child.stdout?.on('data', (chunk: Buffer) => {
				buffered += chunk.toString();
				const newline = buffered.indexOf('\n');
				if (newline === -1) return;
				clearTimeout(timer);
				try {
					resolve(JSON.parse(buffered.slice(0, newline)) as ReadyLine);
				} catch (error) {
					reject(error as Error);
				}
			});
			void proc.exited.then(({ code }) => {
				clearTimeout(timer);
				reject(new Error(`The Google stand-in exited (code ${code}); see ${workDir}.`));
			});
		}).catch(async (error: Error) => {
			await proc.stop(2000);
			throw error;
		});
		return new GoogleStandInProcess(ready, proc);
	}

	get n8nEnv(): Record<string, string> {
		return this.ready.n8n_env;
	}

	async createSpreadsheet(id: string, title: string, sheets: string[], rows: string[][] = []) {
		await this.control.post('/spreadsheets', { id, title, sheets, rows });
	}

	async createServiceAccount(name: string): Promise<ServiceAccount> {
		return (await this.control.post<ServiceAccount>('/service-accounts', { name })).data;
	}

	/** The sheet as a user sees it (formatted values, trailing empty cells left out). */
	async displayed(spreadsheetId: string, sheet: string): Promise<string[][]> {
		const url = `/sheets/${encodeURIComponent(spreadsheetId)}/${encodeURIComponent(sheet)}`;
		return (await this.control.get<string[][]>(url)).data;
	}

	/** A user's edit in Google's UI; row and column are 0-based. */
	async editCell(spreadsheetId: string, sheet: string, row: number, column: number, value: string) {
		await this.control.put('/cells', { spreadsheetId, sheet, row, column, value });
	}

	async failNextWrite(): Promise<void> {
		await this.control.post('/fail-next-write');
	}

	async state(): Promise<GoogleState> {
		return (await this.control.get<GoogleState>('/state')).data;
	}

	async stop(): Promise<void> {
		await this.proc.stop(5000);
	}
}

/**
 * unique_id run_N is never reused: not by a second sandbox started after the first (in this process
 * or as a new `npm run sandbox`), not after a reset. n8n keeps its rows between sandbox runs.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../sandbox';
import { firstRunNumber } from '../../sandbox/domain/runNumbers';

const root = join(__dirname, '..', '..');

async function placeCalls(url: string, key: string, secret: string, count: number) {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const reply = await fetch(`${url}/calls`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': key, 'x-api-secret': secret },
			body: JSON.stringify({ type: 'audio_blast', number: `98123450${10 + i}`, audio_id: 12 }),
		});
		expect(reply.status).toBe(200);
		ids.push(((await reply.json()) as { unique_id: string }).unique_id);
	}
	return ids;
}

const runsOf = (sandbox: RunningSandbox, count: number) =>
	placeCalls(sandbox.url, sandbox.apiKey, sandbox.apiSecret, count);

function expectDisjoint(a: string[], b: string[]): void {
	for (const id of [...a, ...b]) expect(id).toMatch(/^run_\d+$/);
	expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
}

describe('run numbers (unique_id run_N) never repeat', () => {
	it('two sandboxes in a row, both on the same manual clock, give disjoint ids', async () => {
		const first = await startSandbox({ clock: { mode: 'manual', startMs: 1_700_000_000_000 } });
		const a = await runsOf(first, 5);
		const history = first.control.seedCalls(3).map((call) => call.unique_id);
		await first.close();
		const second = await startSandbox({ clock: { mode: 'manual', startMs: 1_700_000_000_000 } });
		const b = await runsOf(second, 5);
		await second.close();
		expectDisjoint([...a, ...history.filter((id) => id.startsWith('run_'))], b);
	});

	it('a reset empties the calls but does not restart the numbering', async () => {
		const sandbox = await startSandbox({ clock: { mode: 'manual' } });
		try {
			const before = await runsOf(sandbox, 3);
			sandbox.control.reset();
			const after = await runsOf(sandbox, 3);
			expectDisjoint(before, after);
			expect(sandbox.control.calls()).toHaveLength(3);
		} finally {
			await sandbox.close();
		}
	});

	it('a sandbox started later starts above every id an earlier one handed out, at up to 1,000 ids a second', () => {
		const startedAt = Date.now() + 365 * 86_400_000; // above anything this process handed out
		const earlier = firstRunNumber(() => startedAt);
		// The earlier sandbox ran for 2 s and handed out 2,000 ids; the new one starts after it.
		const later = firstRunNumber(() => startedAt + 2_001);
		expect(later).toBeGreaterThan(earlier + 2_000);
	});

	it('two `npm run sandbox` processes one after the other give disjoint ids', async () => {
		const runCli = async (): Promise<string[]> => {
			const child = spawn(
				join(root, 'node_modules', '.bin', 'tsx'),
				['sandbox/cli.ts', '--port', '0'],
				{
					cwd: root,
					stdio: 'pipe',
				},
			);
			const exit = new Promise((resolve) => child.on('exit', resolve));
			try {
				const ready = await new Promise<Record<string, string>>((resolve, reject) => {
					let out = '';
					child.stdout.on('data', (chunk: Buffer) => {
						out += chunk.toString();
						const newline = out.indexOf('\n');
						if (newline !== -1)
							resolve(JSON.parse(out.slice(0, newline)) as Record<string, string>);
					});
					child.on('exit', (code) => reject(new Error(`cli exited early (${String(code)})`)));
				});
				return await placeCalls(ready.url, ready.api_key, ready.api_secret, 4);
			} finally {
				child.kill('SIGTERM');
				await exit;
			}
		};
		expectDisjoint(await runCli(), await runCli());
	}, 60_000);
});

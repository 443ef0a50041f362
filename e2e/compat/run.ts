/**
 * `npm run test:compat`: the smoke suite (e2e/compat/smoke.ts) in real n8n on every row of the version
 * matrix (e2e/compat/rows.ts). Each row's runtime is installed on first use (e2e/lib/runtime.ts).
 *
 *   npm run test:compat                          all rows
 *   npm run test:compat -- --row n8n-1.123.81    one row (repeat --row for several; or COMPAT_ROWS=a,b)
 *   npm run test:compat -- --list                the rows
 *   E2E_SKIP_BUILD=1                             pack the existing dist/ instead of building first
 *
 * Prints per row `compat <row>: <n> passed, <m> failed in <s> s (install <s> s, run <s> s)` and at the end
 * one line `N passed, N failed` over all checks. Exits 1 if any check failed.
 */
import { buildAndPack } from '../lib/package';
import { log } from '../lib/proc';
import { ensureRuntime, installDuration, isRuntimeInstalled } from '../lib/runtime';
import { ROWS, type CompatRow } from './rows';
import { runRow, type CheckResult } from './smoke';

function selectedRows(argv: string[]): CompatRow[] {
	const names: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--row') names.push(...(argv[++i] ?? '').split(','));
		else if (argv[i].startsWith('--row=')) names.push(...argv[i].slice('--row='.length).split(','));
	}
	if (names.length === 0 && process.env.COMPAT_ROWS)
		names.push(...process.env.COMPAT_ROWS.split(','));
	const wanted = names.map((name) => name.trim()).filter(Boolean);
	if (wanted.length === 0) return ROWS;
	const unknown = wanted.filter((name) => !ROWS.some((row) => row.name === name));
	if (unknown.length > 0)
		throw new Error(
			`Unknown row(s): ${unknown.join(', ')}. Rows: ${ROWS.map((row) => row.name).join(', ')}`,
		);
	return ROWS.filter((row) => wanted.includes(row.name));
}

async function main(): Promise<number> {
	const argv = process.argv.slice(2);
	if (argv.includes('--list')) {
		for (const row of ROWS) process.stdout.write(`${row.name}\t${row.nodeLabel}\t${row.why}\n`);
		return 0;
	}
	const rows = selectedRows(argv);
	const packed = await buildAndPack({ skipBuild: process.env.E2E_SKIP_BUILD === '1' });
	const summary: string[] = [];
	let passed = 0;
	let failed = 0;
	for (const row of rows) {
		const started = Date.now();
		let results: CheckResult[];
		let installMs = 0;
		try {
			const wasInstalled = isRuntimeInstalled(row.runtime);
			const installStarted = Date.now();
			const runtime = await ensureRuntime(row.runtime);
			// A row that installed its runtime reports that time; one that reused it reports 0 (the first install's time is in the log).
			installMs = wasInstalled ? 0 : Date.now() - installStarted;
			if (wasInstalled)
				log(
					`compat ${row.name}: runtime already installed (its install took ${Math.round((installDuration(row.runtime) ?? 0) / 1000)} s)`,
				);
			log(
				`compat ${row.name}: n8n ${runtime.n8nVersion} on ${row.nodeLabel}${
					Object.keys(row.env).length
						? ` with ${Object.entries(row.env)
								.map(([k, v]) => `${k}=${v}`)
								.join(' ')}`
						: ''
				}`,
			);
			results = await runRow(row, runtime, packed);
		} catch (error) {
			const message = (error as Error).message.split('\n')[0];
			log(`compat ${row.name}: ${message}`);
			results = [{ name: 'runtime install', ok: false, ms: 0, error: message }];
		}
		const ok = results.filter((r) => r.ok).length;
		const bad = results.length - ok;
		passed += ok;
		failed += bad;
		const totalS = Math.round((Date.now() - started) / 1000);
		const line = `compat ${row.name}: ${ok} passed, ${bad} failed in ${totalS} s (install ${Math.round(installMs / 1000)} s, run ${totalS - Math.round(installMs / 1000)} s)`;
		summary.push(line);
		for (const result of results.filter((r) => !r.ok))
			summary.push(`  failed: ${result.name}: ${(result.error ?? '').split('\n')[0]}`);
		process.stdout.write(`${line}\n`);
	}
	process.stdout.write(`\n${summary.join('\n')}\n${passed} passed, ${failed} failed\n`);
	return failed === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		process.stderr.write(`${error.stack ?? error.message}\n`);
		process.exit(1);
	},
);

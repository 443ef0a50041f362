/**
 * The longer fuzz sweep (test/fuzz): `npm run fuzz -- --seed=N --runs=M`, each option optional
 * (default: a random seed, printed so a failure can be replayed, and 200 runs per operation).
 * `npm test` runs the same suite with a fixed seed and 6 runs per operation.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

function option(name: string): string | undefined {
	const prefix = `--${name}=`;
	return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

const seed = option('seed') ?? String(Math.floor(Math.random() * 2 ** 31));
const runs = option('runs') ?? '200';
if (!/^\d+$/.test(seed) || !/^\d+$/.test(runs)) {
	console.error('Usage: npm run fuzz -- [--seed=N] [--runs=M]   (whole numbers)');
	process.exit(2);
}
console.log(`fuzz: seed ${seed}, ${runs} runs per operation`);
const jest = require.resolve('jest/bin/jest');
const result = spawnSync(process.execPath, [jest, path.join('test', 'fuzz'), '--runInBand'], {
	stdio: 'inherit',
	env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs },
	cwd: path.resolve(__dirname, '..'),
});
process.exit(result.status ?? 1);

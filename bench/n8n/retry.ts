/**
 * `npm run bench:n8n -- --only=retry`: issue 13's scenario (bench/n8n/retry-scenario.ts) in the
 * benchmark's real n8n, against its rate-limited sandbox, one line per variant:
 *
 *   retry (<variant>): <P>/<N> numbers called, <D> duplicate calls, <O>/<N> items in the retry's output, retry execution <status>
 *
 * N = 50; P = distinct numbers called across both executions, D = calls beyond one per number, O = the
 * node's output items in the retry execution. Lines starting with `#` give the details (requests each
 * execution made, items marked as placed before the retry).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WORK_DIR } from '../../e2e/lib/paths';
import { formatDuration, log } from '../../e2e/lib/proc';
import type { Runtime } from '../../e2e/lib/runtime';
import type { RateLimit } from './metrics';
import type { PrivatePack } from './pack';
import {
	allVariants,
	retryLine,
	retryWorkflows,
	runVariant,
	variantDetail,
	variantName,
	type RetryMeasure,
} from './retry-scenario';
import { LIMITED_CREDENTIAL, startPublishedStack } from './stack';

export interface RetryBenchOptions {
	runtime: Runtime;
	packed: PrivatePack;
	rate: RateLimit;
	onStop(stop: () => Promise<void>): void;
}

export async function runRetryBench(options: RetryBenchOptions): Promise<void> {
	const started = Date.now();
	const workflows = retryWorkflows(LIMITED_CREDENTIAL, false);
	const { stack, sandbox } = await startPublishedStack(options, workflows);
	const ctx = { rest: stack.n8n.rest, baseUrl: stack.n8n.baseUrl, sandbox };
	process.stdout.write(
		`# n8n Retry benchmark: n8n ${options.runtime.n8nVersion}; Webhook → Code (50 numbers) → Agentive Voice, defaults; item 31's number fails in the first execution;` +
			` Executions › Retry via POST /rest/executions/:id/retry; sandbox rate limit ${options.rate.limit} per ${options.rate.windowMs / 1000} s\n`,
	);
	const results: Array<{ variant: string; measure: RetryMeasure; first: string; retry: string }> =
		[];
	const variants = allVariants();
	for (const [index, variant] of variants.entries()) {
		const name = variantName(variant);
		log(`retry (${name})…`);
		const run = await runVariant(ctx, variant, index + 1);
		process.stdout.write(`${retryLine(name, run.measure)}\n# ${variantDetail(run)}\n`);
		results.push({
			variant: name,
			measure: run.measure,
			first: run.first.executionId,
			retry: run.retry.executionId,
		});
	}
	process.stdout.write(`# total ${formatDuration(Date.now() - started)}\n`);
	const file = path.join(WORK_DIR, 'logs', 'bench-n8n-retry-results.json');
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(results, null, 2));
	log(`Results also in ${path.relative(process.cwd(), file)}`);
}

/**
 * Transport benchmark: `npm run bench` (add `-- --quick` for a smaller run). Runs the real node
 * through n8n-core's WorkflowExecute against the sandbox with a scaled rate window (120 requests
 * per 10 s instead of per minute) and prints one line per scenario; `--only=solo,shared,dropped,overhead,memory`
 * picks some. `memory` runs Download Recording of a 100 MB recording in a real n8n (e2e/n8n-runtime), in
 * filesystem mode and in queue mode's default (database) mode: bench/queue/memory.ts. A script, not a test: it asserts nothing. docs/notes/resilience-readme.md defines
 * each figure.
 */
import { startSandbox, type LoggedRequest, type RunningSandbox } from '../sandbox';
import {
	batchItems,
	ceilingPercent,
	fixed,
	PLACE_CALL,
	runBatch,
	SEND_CODE,
	sharedPercent,
	startOtherClient,
} from './lib';
import { measureOverhead } from './overhead';
import { measureRecordingMemory } from './queue/memory';

const quick = process.argv.includes('--quick');
/** `--only=shared,overhead` runs some scenarios: solo, shared, dropped, overhead. */
const only = process.argv
	.find((arg) => arg.startsWith('--only='))
	?.slice('--only='.length)
	.split(',');
const wanted = (scenario: string) => !only || only.includes(scenario);
const N = quick ? 240 : 360;
const RATE = { limit: 120, windowMs: 10_000 };
/** The other client's share of the budget in the shared scenario. */
const OTHER_SHARE = 0.25;
const DROP_SHARE = 0.05;
const OVERHEAD_ITEMS = quick ? 500 : 1000;
const OVERHEAD_ROUNDS = quick ? 3 : 5;
/** The recording the memory scenario downloads (the sandbox's --recording-mb). */
const RECORDING_MB = 100;

const label = (text: string) => process.stdout.write(`# ${text}\n`);
const line = (text: string) => process.stdout.write(`${text}\n`);

async function withSandbox<T>(
	options: Parameters<typeof startSandbox>[0],
	run: (sandbox: RunningSandbox) => Promise<T>,
): Promise<T> {
	const sandbox = await startSandbox({ port: 0, otpNumberLimit: false, ...options });
	try {
		return await run(sandbox);
	} finally {
		await sandbox.close();
	}
}

const apiLog = (sandbox: RunningSandbox, method: string, path: string): LoggedRequest[] =>
	sandbox.control.requestLog().filter((entry) => entry.method === method && entry.path === path);

async function solo(name: string, parameters: typeof PLACE_CALL, path: string): Promise<void> {
	await withSandbox({ rateLimit: RATE }, async (sandbox) => {
		const batch = await runBatch(
			sandbox,
			parameters,
			batchItems(N, `solo-${path.replace(/\W/g, '')}`),
		);
		const log = apiLog(sandbox, 'POST', path);
		const all = sandbox.control.requestLog();
		const r429 = all.filter((entry) => entry.status === 429).length;
		const { percent, idealMs, actualMs } = ceilingPercent(log, RATE.limit, RATE.windowMs);
		label(
			`solo ${name}: ${N} items, ${all.length} requests; request ${Math.floor((N - 1) / RATE.limit) * RATE.limit} after ${fixed(actualMs / 1000, 3)} s (ceiling ${fixed(idealMs / 1000, 3)} s); node time ${fixed(batch.nodeMs / 1000, 2)} s`,
		);
		line(
			`throughput: ${fixed(percent)}% of the rate-limit ceiling, ${batch.failed}/${N} items failed, ${r429} responses were 429`,
		);
	});
}

async function shared(): Promise<void> {
	await withSandbox({ rateLimit: RATE }, async (sandbox) => {
		const other = startOtherClient(sandbox, (RATE.limit * OTHER_SHARE) / (RATE.windowMs / 1000));
		let batch;
		try {
			batch = await runBatch(sandbox, PLACE_CALL, batchItems(N, 'shared'));
		} finally {
			await other.stop();
		}
		const isOurs = (entry: LoggedRequest) => !(entry.method === 'GET' && entry.path === '/account');
		const result = sharedPercent(sandbox.control.requestLog(), isOurs, RATE.limit, RATE.windowMs);
		const ours429 = sandbox.control
			.requestLog()
			.filter((entry) => isOurs(entry) && entry.status === 429).length;
		const perWindow = result.windows
			.map((window) => `${window.ours}+${window.otherAccepted}`)
			.join(' ');
		label(
			`shared Place Call: ${N} items beside a client using ${OTHER_SHARE * 100}% of the budget; per full window ours+other accepted: ${perWindow}; our 429s: ${ours429}; the other client's 429s: ${result.otherRejected}`,
		);
		line(
			`shared: ${fixed(result.percent)}% of the budget left by the other client, ${batch.failed}/${N} items failed`,
		);
	});
}

/**
 * Drops the response of about DROP_SHARE of POST /calls after the call is placed. The drops are
 * armed one at a time, each after a random number of placements, by watching the request log.
 */
async function dropped(): Promise<void> {
	await withSandbox({ rateLimit: RATE }, async (sandbox) => {
		const gap = Math.round(1 / DROP_SHARE);
		let armedAt = 0;
		let nextDropAfter = 1 + Math.floor(Math.random() * gap);
		let armed = false;
		const watcher = setInterval(() => {
			const posts = apiLog(sandbox, 'POST', '/calls').length;
			if (armed && sandbox.control.pendingFaults().length === 0) {
				armed = false;
				armedAt = posts;
				nextDropAfter = 1 + Math.floor(Math.random() * (2 * gap - 1));
			}
			if (!armed && posts - armedAt >= nextDropAfter - 1) {
				sandbox.control.injectFault({ kind: 'drop-response', method: 'POST', path: '/calls' });
				armed = true;
			}
		}, 1);
		let batch;
		try {
			batch = await runBatch(sandbox, PLACE_CALL, batchItems(N, 'dropped'));
		} finally {
			clearInterval(watcher);
			sandbox.control.clearFaults();
		}
		const refs = new Set(batch.items.map((_, i) => `dropped-${i}`));
		const calls = sandbox.control
			.calls()
			.filter((call) => call.reference_id !== null && refs.has(call.reference_id));
		const distinct = new Set(calls.map((call) => call.reference_id)).size;
		const extra = apiLog(sandbox, 'POST', '/calls').length - N;
		const recovered = batch.items.filter((item) => item.json.recovered === true).length;
		label(
			`dropped: ${recovered} responses dropped after placing and recovered by lookup (${extra} extra placements), ${apiLog(sandbox, 'GET', '/calls').length} lookups`,
		);
		line(
			`dropped: ${calls.length}/${N} calls placed, ${calls.length - distinct} duplicates, ${batch.failed} items failed`,
		);
	});
}

async function overhead(): Promise<void> {
	const result = await measureOverhead(OVERHEAD_ITEMS, OVERHEAD_ROUNDS);
	const baseline =
		result.httpRequest === undefined
			? "n8n's HTTP Request node not measured (install e2e/n8n-runtime for the baseline)"
			: `n8n's HTTP Request node sending the same POST: ${fixed(result.httpRequest, 2)} ms/item`;
	label(
		`overhead: Place Call with Number and Reference ID mapped by expression, best of ${result.rounds} rounds of ${result.items} items, unlimited sandbox in its own process; ${baseline}`,
	);
	label(
		`overhead: Place Call with only Number mapped (Reference ID generated; one expression per item, like the HTTP Request node's one JSON body expression): ${fixed(result.placeCallOneExpression, 2)} ms/item`,
	);
	label(
		`overhead: the transport alone adds ${fixed(result.viaTransport - result.direct, 2)} ms/item (minimal node: ${fixed(result.direct, 2)} ms/item calling httpRequestWithAuthentication directly, ${fixed(result.viaTransport, 2)} through the transport)`,
	);
	line(`overhead: ${fixed(result.placeCall, 2)} ms/item`);
}

async function memory(): Promise<void> {
	for (const result of await measureRecordingMemory(RECORDING_MB)) {
		label(result.detail);
		line(
			`memory: ${fixed(result.growthMb)} MB peak growth downloading a ${RECORDING_MB} MB recording (${result.mode})`,
		);
	}
}

async function main(): Promise<void> {
	label(
		`Agentive Voice transport benchmark${quick ? ' (quick)' : ''}: N = ${N}, rate limit ${RATE.limit} per ${RATE.windowMs / 1000} s`,
	);
	if (wanted('solo')) {
		label('Place Call');
		await solo('Place Call', PLACE_CALL, '/calls');
		label('Send Code');
		await solo('Send Code', SEND_CODE, '/otp/send');
	}
	if (wanted('shared')) await shared();
	if (wanted('dropped')) await dropped();
	if (wanted('overhead')) await overhead();
	if (wanted('memory')) await memory();
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
		process.exit(1);
	},
);

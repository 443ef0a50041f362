/**
 * The overhead scenario: ms per item of Place Call against an unlimited sandbox running in its own
 * process (as a remote API would), next to n8n's HTTP Request node sending the same POST /calls
 * with the same credential through the same engine, when the e2e n8n runtime is installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import type { INodeType, IVersionedNodeType } from 'n8n-workflow';

import { apiCredentials, runWorkflow } from '../test/harness/engine';
import { ITEMS_NODE_TYPE, registerNodeType } from '../test/harness/node-types';
import { DIRECT_HTTP, DIRECT_TRANSPORT, directMsPerItem } from './direct-nodes';
import { batchItems, PLACE_CALL, runBatch } from './lib';

const ROOT = path.resolve(__dirname, '..');
const HTTP_REQUEST_NODE = path.join(
	ROOT,
	'e2e/n8n-runtime/node_modules/n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js',
);
const HTTP_NODE_TYPE = 'n8n-nodes-base.httpRequest';

export interface ExternalSandbox {
	url: string;
	apiKey: string;
	apiSecret: string;
	stop(): Promise<void>;
}

/** `sandbox/cli.ts` in a child process (node --import tsx), stopped by its own pid. */
export async function startExternalSandbox(args: string[]): Promise<ExternalSandbox> {
	const child: ChildProcess = spawn(
		process.execPath,
		['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', ...args],
		{
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const lines = readline.createInterface({ input: child.stdout! });
	const first = await new Promise<string>((resolve, reject) => {
		lines.once('line', resolve);
		child.once('exit', (code) =>
			reject(new Error(`The sandbox exited (${code}) before it was ready`)),
		);
	});
	lines.close();
	const ready = JSON.parse(first) as { url: string; api_key: string; api_secret: string };
	return {
		url: ready.url,
		apiKey: ready.api_key,
		apiSecret: ready.api_secret,
		async stop() {
			child.kill('SIGTERM');
			await exited;
		},
	};
}

/** n8n's HTTP Request node from the e2e runtime, if installed. */
function loadHttpRequestNode(): boolean {
	if (!existsSync(HTTP_REQUEST_NODE)) return false;
	const load = createRequire(__filename);
	const { HttpRequest } = load(HTTP_REQUEST_NODE) as {
		HttpRequest: new () => INodeType | IVersionedNodeType;
	};
	registerNodeType(HTTP_NODE_TYPE, new HttpRequest());
	return true;
}

async function httpRequestNodeMsPerItem(
	sandbox: ExternalSandbox,
	count: number,
	offset: number,
): Promise<number> {
	const result = await runWorkflow(
		{
			nodes: [
				{
					id: 'items',
					name: 'Items',
					type: ITEMS_NODE_TYPE,
					typeVersion: 1,
					position: [0, 0],
					parameters: { items: JSON.stringify(batchItems(count, `http-${offset}`, offset)) },
				},
				{
					id: 'http',
					name: 'HTTP Request',
					type: HTTP_NODE_TYPE,
					typeVersion: 4.2,
					position: [200, 0],
					parameters: {
						method: 'POST',
						url: `${sandbox.url}/calls`,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: 'agentiveVoiceApi',
						sendBody: true,
						specifyBody: 'json',
						jsonBody:
							'={{ JSON.stringify({ type: "audio_blast", number: $json.number, audio_id: 12, reference_id: $json.ref }) }}',
						options: {},
					},
					credentials: { agentiveVoiceApi: { id: '1', name: 'Agentive Voice account' } },
				},
			],
			connections: { Items: { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] } },
		},
		apiCredentials(sandbox),
	);
	const task = result.run.data.resultData.runData['HTTP Request']?.[0];
	if (!task || task.error)
		throw new Error(`The HTTP Request node failed: ${task?.error?.message ?? 'no run'}`);
	return task.executionTime / count;
}

/** Best of the rounds: on a shared machine the fastest round is the closest to the intrinsic cost. */
const best = (values: number[]) => Math.min(...values);

export interface OverheadResult {
	placeCall: number;
	/** Place Call with only the number mapped (Reference ID generated): one expression per item. */
	placeCallOneExpression: number;
	httpRequest?: number;
	/** Minimal nodes: httpRequestWithAuthentication directly, and through the transport. */
	direct: number;
	viaTransport: number;
	rounds: number;
	items: number;
}

/** Interleaved rounds after a warm-up, so every variant sees the same machine load. */
export async function measureOverhead(items: number, rounds: number): Promise<OverheadResult> {
	const sandbox = await startExternalSandbox([
		'--rate-limit',
		'unlimited',
		'--otp-limit',
		'unlimited',
	]);
	try {
		const withBaseline = loadHttpRequestNode();
		await runBatch(sandbox, PLACE_CALL, batchItems(300, 'warm', 900_000));
		if (withBaseline) await httpRequestNodeMsPerItem(sandbox, 300, 950_000);
		await directMsPerItem(sandbox, DIRECT_HTTP, batchItems(300, 'warm-direct', 960_000));
		await directMsPerItem(sandbox, DIRECT_TRANSPORT, batchItems(300, 'warm-transport', 970_000));
		const ours: number[] = [];
		const oursOneExpression: number[] = [];
		const theirs: number[] = [];
		const direct: number[] = [];
		const viaTransport: number[] = [];
		for (let round = 0; round < rounds; round++) {
			const offset = 1_000_000 + round * 5 * items;
			const batch = await runBatch(
				sandbox,
				PLACE_CALL,
				batchItems(items, `overhead-${round}`, offset),
			);
			if (batch.failed > 0)
				throw new Error(`${batch.failed} Place Call items failed in the overhead run`);
			ours.push(batch.nodeMs / items);
			const generated = await runBatch(
				sandbox,
				{ ...PLACE_CALL, referenceId: '' },
				batchItems(items, `generated-${round}`, offset + 4 * items),
			);
			if (generated.failed > 0)
				throw new Error(`${generated.failed} Place Call items failed in the overhead run`);
			oursOneExpression.push(generated.nodeMs / items);
			if (withBaseline) theirs.push(await httpRequestNodeMsPerItem(sandbox, items, offset + items));
			direct.push(
				await directMsPerItem(
					sandbox,
					DIRECT_HTTP,
					batchItems(items, `direct-${round}`, offset + 2 * items),
				),
			);
			viaTransport.push(
				await directMsPerItem(
					sandbox,
					DIRECT_TRANSPORT,
					batchItems(items, `transport-${round}`, offset + 3 * items),
				),
			);
		}
		return {
			placeCall: best(ours),
			placeCallOneExpression: best(oursOneExpression),
			httpRequest: withBaseline ? best(theirs) : undefined,
			direct: best(direct),
			viaTransport: best(viaTransport),
			rounds,
			items,
		};
	} finally {
		await sandbox.stop();
	}
}

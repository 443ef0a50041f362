/**
 * `npm run screenshots`: the README screenshots (docs/images/*.png) from a real n8n 2.41.1 with this
 * package, in headless Chromium.
 *
 *   1. npm run build && npm pack, and the pinned n8n runtime (as `npm start`)
 *   2. a private stack on free ports with a temporary user folder: sandbox, n8n, the credential and the
 *      example workflows (so a running `npm start` is not disturbed)
 *   3. log in as the owner in Chromium (1440×900) and capture each scene of e2e/lib/editor-screenshots.ts
 *   4. stop Chromium, n8n and the sandbox (also on failure or Ctrl-C) and print the files written
 *
 * Needs a system Chromium (`sudo apt-get install chromium`; CHROMIUM_PATH to use another).
 * Options: --skip-build (use the existing dist/), --only <name>[,<name>] (e.g. --only otp-workflow),
 * --out <dir> (default docs/images), --keep (keep the temporary n8n user folder).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { findChromium, launchChromium, logInAsOwner } from '../e2e/lib/browser';
import { EXAMPLE_DATA_TABLES } from '../e2e/lib/data-tables';
import { SCENES, VIEWPORT } from '../e2e/lib/editor-screenshots';
import { modelCredential } from '../e2e/lib/ai-agent';
import { demoResponder } from '../e2e/model-server/demo';
import { startModelServer } from '../e2e/model-server/server';
import { buildAndPack } from '../e2e/lib/package';
import { REPO_ROOT } from '../e2e/lib/paths';
import { formatDuration, log, stopAllLongRunning } from '../e2e/lib/proc';
import { ensureRuntime } from '../e2e/lib/runtime';
import {
	DEFAULT_OWNER,
	archiveLogs,
	loadExampleWorkflows,
	startStack,
	tempUserFolder,
	type Stack,
} from '../e2e/lib/stack';

const LABEL = 'screenshots';

const state: {
	browser?: Browser;
	stack?: Stack;
	userFolder?: string;
	keep: boolean;
	cleaning?: Promise<void>;
} = { keep: false };

/** Stop everything this run started, once, whichever way it ends. */
function cleanUp(): Promise<void> {
	state.cleaning ??= (async () => {
		await state.browser?.close().catch(() => undefined);
		if (state.stack) await state.stack.stop();
		else await stopAllLongRunning(); // interrupted while the stack was starting
		if (state.userFolder && fs.existsSync(state.userFolder)) {
			const logs = archiveLogs(state.userFolder, LABEL);
			log(`Logs of this run: ${path.relative(REPO_ROOT, logs)}/${LABEL}-*`);
			if (state.keep) log(`Kept the n8n user folder ${state.userFolder}`);
			else fs.rmSync(state.userFolder, { recursive: true, force: true });
		}
	})();
	return state.cleaning;
}

async function main(): Promise<string[]> {
	const { values } = parseArgs({
		options: {
			'skip-build': { type: 'boolean' },
			only: { type: 'string' },
			out: { type: 'string', default: path.join(REPO_ROOT, 'docs', 'images') },
			keep: { type: 'boolean' },
		},
		strict: true,
	});
	state.keep = values.keep === true;
	const only = values.only?.split(',').map((name) => name.trim().replace(/\.png$/, '')) ?? [];
	const scenes =
		only.length === 0
			? SCENES
			: SCENES.filter((scene) => only.includes(scene.file.replace(/\.png$/, '')));
	if (scenes.length === 0)
		throw new Error(
			`--only matches no screenshot; names: ${SCENES.map((s) => s.file.replace(/\.png$/, '')).join(', ')}`,
		);
	const outDir = path.resolve(values.out as string);
	fs.mkdirSync(outDir, { recursive: true });
	findChromium(); // fail before the slow part when Chromium is missing

	const started = Date.now();
	const packed = await buildAndPack({ skipBuild: values['skip-build'] });
	const runtime = await ensureRuntime();
	state.userFolder = tempUserFolder(LABEL);
	// The AI-agent example's model, as under `npm start`: the scripted demo model and its credential.
	const sandboxOrigin: { value?: string } = {};
	const model = await startModelServer({
		responder: demoResponder({ sandboxOrigin: () => sandboxOrigin.value }),
	});
	state.stack = await startStack({
		credentials: [modelCredential(model)],
		runtime,
		packed,
		userFolder: state.userFolder,
		n8nPort: 0,
		sandboxPort: 0,
		seedCalls: 40,
		owner: DEFAULT_OWNER,
		workflows: loadExampleWorkflows(),
		dataTables: EXAMPLE_DATA_TABLES,
	});
	const { n8n, owner } = state.stack;
	sandboxOrigin.value = state.stack.sandbox.origin;

	log('Starting Chromium…');
	state.browser = await launchChromium();
	const page = await state.browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
	await logInAsOwner(page, n8n.baseUrl, owner);

	const written: string[] = [];
	for (const scene of scenes) {
		log(`Capturing ${scene.file}: ${scene.what}`);
		try {
			await scene.capture({
				page,
				rest: n8n.rest,
				baseUrl: n8n.baseUrl,
				outDir,
				sandbox: state.stack.sandbox,
			});
		} catch (error) {
			const failure = path.join(n8n.userFolder, `failed-${scene.file}`);
			await page.screenshot({ path: failure }).catch(() => undefined);
			state.keep = true; // keep the failure screenshot next to the logs
			throw new Error(
				`${scene.file}: ${(error as Error).message}\n(page at the failure: ${failure})`,
			);
		}
		written.push(path.join(outDir, scene.file));
	}
	log(`Done in ${formatDuration(Date.now() - started)}.`);
	return written;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		log(`${signal}: stopping Chromium, n8n and the sandbox…`);
		void cleanUp().finally(() => process.exit(130));
	});
}

main().then(
	async (written) => {
		await cleanUp();
		process.stdout.write(
			`${written.map((file) => `${path.relative(process.cwd(), file)}  (${(fs.statSync(file).size / 1024).toFixed(0)} kB)`).join('\n')}\n`,
		);
	},
	async (error: Error) => {
		await cleanUp();
		process.stderr.write(`\nnpm run screenshots failed: ${error.message}\n`);
		process.exit(1);
	},
);

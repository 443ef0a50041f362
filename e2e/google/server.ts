/**
 * `tsx e2e/google/server.ts <work folder>`: the Google stand-in behind its TLS-intercepting proxy, as
 * a process of its own (see proxy.ts), with a small control API for the test on 127.0.0.1. The first
 * stdout line is one JSON object: { control_url, proxy_url, ca_file, n8n_env }. Stops on SIGTERM.
 *
 *   POST /spreadsheets      {id, title, sheets: [title…], rows?: string[][]}   rows go to the first sheet
 *   POST /service-accounts  {name} → {email, privateKey}
 *   GET  /sheets/:id/:title → string[][] as a user sees it
 *   PUT  /cells             {spreadsheetId, sheet, row, column, value}  a user's edit (0-based)
 *   POST /fail-next-write   the next values write is applied, then answered 503
 *   GET  /state             {log, tokensIssued, unmatched}
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGoogleStandIn } from './proxy';

async function main(): Promise<void> {
	const workDir = process.argv[2];
	if (!workDir) throw new Error('Usage: tsx e2e/google/server.ts <work folder>');
	const google = await startGoogleStandIn(workDir);
	const server = createServer((req, res) => {
		void answer(req).then(
			(json) => {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify(json ?? null));
			},
			(error: Error) => {
				res.writeHead(400, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: error.message }));
			},
		);
	});

	async function answer(req: IncomingMessage): Promise<unknown> {
		const url = new URL(req.url ?? '/', 'http://control');
		const route = `${req.method} ${url.pathname}`;
		const body = await readJson(req);
		if (route === 'POST /spreadsheets') {
			const sheet = google.sheets.createSpreadsheet(
				String(body.id),
				String(body.title),
				body.sheets as string[],
			).sheets[0];
			for (const row of (body.rows as string[][] | undefined) ?? []) sheet.rows.push([...row]);
			return { created: body.id };
		}
		if (route === 'POST /service-accounts')
			return google.tokens.createServiceAccount(String(body.name));
		const sheetPath = /^GET \/sheets\/([^/]+)\/([^/]+)$/.exec(route);
		if (sheetPath)
			return google.sheets.displayed(
				decodeURIComponent(sheetPath[1]),
				decodeURIComponent(sheetPath[2]),
			);
		if (route === 'PUT /cells') {
			const sheet = google.sheets.spreadsheets
				.get(String(body.spreadsheetId))
				?.sheets.find((s) => s.title === body.sheet);
			if (!sheet) throw new Error(`No sheet ${String(body.sheet)}`);
			(sheet.rows[Number(body.row)] ??= [])[Number(body.column)] = String(body.value);
			return { edited: true };
		}
		if (route === 'POST /fail-next-write') {
			google.sheets.failNextWrite();
			return { armed: true };
		}
		if (route === 'GET /state')
			return {
				log: google.sheets.log,
				tokensIssued: google.tokens.issued,
				unmatched: google.unmatched,
			};
		throw new Error(`Unknown control route ${route}`);
	}

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	process.stdout.write(
		`${JSON.stringify({
			control_url: `http://127.0.0.1:${port}`,
			proxy_url: google.proxyUrl,
			ca_file: google.caFile,
			n8n_env: google.n8nEnv,
		})}\n`,
	);
	const stop = () => {
		server.close();
		void google.stop().finally(() => process.exit(0));
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

main().catch((error: Error) => {
	process.stderr.write(`Could not start the Google stand-in: ${error.message}\n`);
	process.exit(1);
});

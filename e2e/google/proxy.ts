/**
 * A company-style HTTPS proxy in front of the Google stand-in: mockttp (httptoolkit) listens on
 * 127.0.0.1, accepts CONNECT tunnels and intercepts TLS with a test CA it generates here. n8n is
 * started with HTTPS_PROXY pointing at it and NODE_EXTRA_CA_CERTS trusting the CA (a file in the
 * test's own folder); NO_PROXY keeps 127.0.0.1 and localhost (the sandbox, n8n itself) direct.
 *
 * Requests for oauth2.googleapis.com and sheets.googleapis.com reach the stand-in; anything else is
 * refused by mockttp (503, no rule matched) and logged, so a test sees what escaped.
 *
 * Runs in its own process (e2e/google/server.ts): mockttp depends on ES-only modules (get-port)
 * that Jest's CommonJS loader cannot load.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateCACertificate, getLocal, type Mockttp } from 'mockttp';
import { freePort } from '../lib/n8n';
import { TokenEndpoint } from './auth';
import { SheetsApi } from './sheets';

/** The sandbox and n8n itself stay direct. */
const NO_PROXY = '127.0.0.1,localhost,::1';

export interface GoogleStandIn {
	proxyUrl: string;
	/** PEM file of the proxy's test CA. */
	caFile: string;
	tokens: TokenEndpoint;
	sheets: SheetsApi;
	/** Requests that reached the proxy for any other host (method and URL). */
	unmatched: string[];
	/** Environment for n8n: HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS. */
	n8nEnv: Record<string, string>;
	stop(): Promise<void>;
}

export async function startGoogleStandIn(workDir: string): Promise<GoogleStandIn> {
	fs.mkdirSync(workDir, { recursive: true });
	const ca = await generateCACertificate({
		subject: { commonName: 'Agentive Voice e2e test CA (Google stand-in)' },
	});
	const caFile = path.join(workDir, 'google-standin-ca.pem');
	fs.writeFileSync(caFile, ca.cert);
	const proxy: Mockttp = getLocal({ https: { key: ca.key, cert: ca.cert }, cors: false });
	const tokens = new TokenEndpoint();
	const sheets = new SheetsApi(tokens);
	const unmatched: string[] = [];
	await proxy.start(await freePort());

	await proxy.forPost('https://oauth2.googleapis.com/token').thenCallback(async (request) => {
		const reply = tokens.exchange((await request.body.getText()) ?? '');
		return { statusCode: reply.status, json: reply.json };
	});
	await proxy
		.forAnyRequest()
		.forHostname('sheets.googleapis.com')
		.thenCallback(async (request) => {
			const authorization = request.headers.authorization;
			const reply = sheets.handle(
				request.method,
				new URL(request.url),
				Array.isArray(authorization) ? authorization[0] : authorization,
				(await request.body.getText()) ?? '',
			);
			return { statusCode: reply.status, json: reply.json };
		});
	await proxy.forUnmatchedRequest().thenCallback((request) => {
		unmatched.push(`${request.method} ${request.url}`);
		return {
			statusCode: 503,
			json: { error: `The e2e proxy does not forward ${request.url}` },
		};
	});

	const proxyUrl = `http://127.0.0.1:${proxy.port}`;
	return {
		proxyUrl,
		caFile,
		tokens,
		sheets,
		unmatched,
		// Both spellings: proxy-from-env (n8n's resolver) reads the lower-case one first, so a
		// developer's own https_proxy would otherwise win.
		n8nEnv: {
			HTTPS_PROXY: proxyUrl,
			https_proxy: proxyUrl,
			HTTP_PROXY: proxyUrl,
			http_proxy: proxyUrl,
			NO_PROXY: NO_PROXY,
			no_proxy: NO_PROXY,
			NODE_EXTRA_CA_CERTS: caFile,
		},
		stop: () => proxy.stop(),
	};
}

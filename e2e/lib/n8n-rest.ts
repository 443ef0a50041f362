/**
 * The editor's REST API of n8n 2.41.1 (routes read from packages/cli/dist of that version):
 *
 *   GET  /rest/settings                       public; data.userManagement.showSetupOnFirstLoad
 *   POST /rest/owner/setup                    { email, firstName, lastName, password } -> sets the n8n-auth cookie
 *   POST /rest/login                          { emailOrLdapLoginId, password } -> sets the n8n-auth cookie
 *   GET  /types/nodes.json, /types/credentials.json   (need the cookie)
 *   GET  /rest/credentials[?includeScopes=true], GET /rest/credentials/:id?includeData=true (secrets redacted)
 *   POST /rest/credentials/test               { credentials: { id, name, type, data } } -> { status: 'OK'|'Error', message }
 *   GET  /rest/workflows/:id, POST /rest/workflows/:id/activate { versionId }, POST /rest/workflows/:id/deactivate {}
 *   POST /rest/workflows/:id/run              { triggerToStartFrom: { name } } -> { executionId }
 *   GET  /rest/executions?filter={"workflowId":…}&limit=N -> { count, results, estimated }
 *   GET  /rest/executions/:id                 -> execution; `data` is a flatted string
 *
 * Passwords need 8+ characters, a digit and an upper-case letter. The auth cookie's JWT is bound to a
 * browser id: every request sends the same `browser-id` header. Login is rate limited to 5 per minute
 * per e-mail address, so log in once and keep the cookie.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { sleep } from './proc';

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export interface CredentialSummary {
	id: string;
	name: string;
	type: string;
	[key: string]: unknown;
}

export interface CredentialDetail extends CredentialSummary {
	data?: Record<string, unknown>;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	credentials?: Array<{ name: string }>;
	[key: string]: unknown;
}

export interface WorkflowDetail {
	id: string;
	name: string;
	active: boolean;
	versionId: string;
	activeVersionId?: string | null;
	nodes: Array<{ name: string; type: string; [key: string]: unknown }>;
	[key: string]: unknown;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	finished?: boolean;
	startedAt?: string;
	stoppedAt?: string;
	[key: string]: unknown;
}

export interface ExecutionDetail extends ExecutionSummary {
	/** flatted-encoded IRunExecutionData, as stored. */
	data: string;
	workflowData?: Record<string, unknown>;
}

/** The parts of IRunExecutionData the tests look at. */
export interface RunData {
	resultData: {
		error?: { message?: string; [key: string]: unknown };
		lastNodeExecuted?: string;
		runData: Record<
			string,
			Array<{
				error?: { message?: string };
				data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
				[key: string]: unknown;
			}>
		>;
	};
	[key: string]: unknown;
}

export class N8nRestError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly body: unknown,
	) {
		super(message);
		this.name = 'N8nRestError';
	}
}

const TERMINAL_STATUSES = new Set(['success', 'error', 'crashed', 'canceled']);

export class N8nRest {
	readonly http: AxiosInstance;
	private cookie: string | undefined;
	/** The auth cookie is bound to this id. */
	readonly browserId = `agentive-e2e-${randomBytes(8).toString('hex')}`;

	constructor(readonly baseUrl: string) {
		// No keep-alive: Node's global agent reuses idle sockets, and n8n closes them after 5 s; a request
		// that picks one up just then fails with "socket hang up" (seen under load).
		this.http = axios.create({
			baseURL: baseUrl,
			timeout: 60_000,
			validateStatus: () => true,
			maxRedirects: 0,
			httpAgent: new http.Agent({ keepAlive: false }),
		});
	}

	get loggedIn(): boolean {
		return !!this.cookie;
	}

	/** Raw request; returns the response whatever its status. */
	async raw(
		method: Method,
		url: string,
		body?: unknown,
		params?: Record<string, unknown>,
	): Promise<AxiosResponse> {
		const headers: Record<string, string> = { 'browser-id': this.browserId };
		if (this.cookie) headers.cookie = this.cookie;
		const response = await this.http.request({ method, url, data: body, params, headers });
		this.rememberCookie(response);
		return response;
	}

	/** GET a binary body (e.g. /rest/binary-data?id=…&action=download) with the session cookie. */
	async rawBinary(
		url: string,
		params?: Record<string, unknown>,
	): Promise<{ status: number; data: Buffer }> {
		const headers: Record<string, string> = { 'browser-id': this.browserId };
		if (this.cookie) headers.cookie = this.cookie;
		const response = await this.http.request<ArrayBuffer>({
			method: 'GET',
			url,
			params,
			headers,
			responseType: 'arraybuffer',
		});
		return { status: response.status, data: Buffer.from(response.data) };
	}

	/** Request that unwraps n8n's { data } envelope and throws on a non-2xx status. */
	async request<T>(
		method: Method,
		url: string,
		body?: unknown,
		params?: Record<string, unknown>,
	): Promise<T> {
		const response = await this.raw(method, url, body, params);
		if (response.status < 200 || response.status >= 300) {
			const message =
				(response.data as { message?: string } | undefined)?.message ??
				JSON.stringify(response.data);
			throw new N8nRestError(
				`${method.toUpperCase()} ${url} -> ${response.status}: ${message}`,
				response.status,
				response.data,
			);
		}
		const payload = response.data as { data?: T } | T;
		return payload !== null && typeof payload === 'object' && 'data' in payload
			? (payload.data as T)
			: (payload as T);
	}

	private rememberCookie(response: AxiosResponse): void {
		const setCookie = response.headers['set-cookie'];
		if (!setCookie) return;
		for (const header of setCookie) {
			const [pair] = header.split(';');
			if (pair.startsWith('n8n-auth=')) this.cookie = pair.endsWith('=') ? undefined : pair;
		}
	}

	async settings(): Promise<{
		userManagement?: { showSetupOnFirstLoad?: boolean };
		[key: string]: unknown;
	}> {
		return await this.request('GET', '/rest/settings');
	}

	/** Set up the instance owner on a fresh instance, or log in as that owner; keeps the session cookie. */
	async ensureOwner(owner: OwnerAccount): Promise<'created' | 'logged-in'> {
		const settings = await this.settings();
		if (settings.userManagement?.showSetupOnFirstLoad) {
			await this.request('POST', '/rest/owner/setup', owner);
			return 'created';
		}
		await this.login(owner.email, owner.password);
		return 'logged-in';
	}

	async login(email: string, password: string): Promise<void> {
		await this.request('POST', '/rest/login', { emailOrLdapLoginId: email, password });
		if (!this.cookie) throw new Error('n8n accepted the login but set no n8n-auth cookie.');
	}

	async nodeTypes(): Promise<NodeTypeDescription[]> {
		return await this.request<NodeTypeDescription[]>('GET', '/types/nodes.json');
	}

	async credentialTypes(): Promise<
		Array<{ name: string; displayName: string; [key: string]: unknown }>
	> {
		return await this.request('GET', '/types/credentials.json');
	}

	async listCredentials(): Promise<CredentialSummary[]> {
		return await this.request<CredentialSummary[]>('GET', '/rest/credentials');
	}

	/** With includeData, n8n returns the data with password fields redacted (as the editor sees it). */
	async getCredential(id: string, includeData = true): Promise<CredentialDetail> {
		return await this.request<CredentialDetail>(
			'GET',
			`/rest/credentials/${encodeURIComponent(id)}`,
			undefined,
			{
				includeData: String(includeData),
			},
		);
	}

	/**
	 * The editor's "Test" button: send the stored credential's (redacted) data, with any edits in
	 * `overrides`; n8n restores redacted secrets from the stored copy and runs the type's test request.
	 */
	async testCredential(
		id: string,
		overrides: Record<string, unknown> = {},
	): Promise<CredentialTestResult> {
		const stored = await this.getCredential(id, true);
		return await this.request<CredentialTestResult>('POST', '/rest/credentials/test', {
			credentials: {
				id: stored.id,
				name: stored.name,
				type: stored.type,
				data: { ...(stored.data ?? {}), ...overrides },
			},
		});
	}

	/** The editor's "Save" on a new credential (credential modal): POST /rest/credentials. */
	async createCredential(credential: {
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<CredentialSummary> {
		return await this.request<CredentialSummary>('POST', '/rest/credentials', credential);
	}

	/** The editor's first "Save" of a new (or pasted / imported) workflow: POST /rest/workflows. */
	async createWorkflow(workflow: {
		name: string;
		nodes: unknown[];
		connections: unknown;
		settings?: Record<string, unknown>;
	}): Promise<WorkflowDetail> {
		return await this.request<WorkflowDetail>('POST', '/rest/workflows', {
			settings: {},
			...workflow,
			active: false,
		});
	}

	async getWorkflow(id: string): Promise<WorkflowDetail> {
		return await this.request<WorkflowDetail>('GET', `/rest/workflows/${encodeURIComponent(id)}`);
	}

	/** Publish (activate) the current version, as the editor's "Publish" button does. */
	async activateWorkflow(id: string): Promise<WorkflowDetail> {
		const workflow = await this.getWorkflow(id);
		return await this.request<WorkflowDetail>(
			'POST',
			`/rest/workflows/${encodeURIComponent(id)}/activate`,
			{
				versionId: workflow.versionId,
			},
		);
	}

	async deactivateWorkflow(id: string): Promise<WorkflowDetail> {
		return await this.request<WorkflowDetail>(
			'POST',
			`/rest/workflows/${encodeURIComponent(id)}/deactivate`,
			{},
		);
	}

	/**
	 * "Execute workflow" in the editor: a manual run from a trigger node (default: the first Manual
	 * Trigger). Resolves with the finished execution.
	 */
	async runWorkflow(
		id: string,
		options: { triggerNode?: string; timeoutMs?: number } = {},
	): Promise<ExecutionDetail> {
		let triggerNode = options.triggerNode;
		if (!triggerNode) {
			const workflow = await this.getWorkflow(id);
			triggerNode = workflow.nodes.find(
				(node) => node.type === 'n8n-nodes-base.manualTrigger',
			)?.name;
			if (!triggerNode)
				throw new Error(`Workflow ${id} has no Manual Trigger; pass options.triggerNode.`);
		}
		const started = await this.request<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/rest/workflows/${encodeURIComponent(id)}/run`,
			{ triggerToStartFrom: { name: triggerNode } },
		);
		if (!started.executionId)
			throw new Error(`n8n did not start an execution: ${JSON.stringify(started)}`);
		return await this.waitForExecution(started.executionId, options.timeoutMs);
	}

	async listExecutions(
		filter: { workflowId?: string; status?: string[] } = {},
		limit = 50,
	): Promise<ExecutionSummary[]> {
		const result = await this.request<{ results: ExecutionSummary[] }>(
			'GET',
			'/rest/executions',
			undefined,
			{
				filter: JSON.stringify(filter),
				limit,
			},
		);
		return result.results;
	}

	async getExecution(id: string): Promise<ExecutionDetail> {
		return await this.request<ExecutionDetail>('GET', `/rest/executions/${encodeURIComponent(id)}`);
	}

	/** Poll until the execution has finished (any terminal status). */
	async waitForExecution(id: string, timeoutMs = 60_000): Promise<ExecutionDetail> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const response = await this.raw('GET', `/rest/executions/${encodeURIComponent(id)}`);
			if (response.status === 200) {
				const execution = (response.data as { data: ExecutionDetail }).data;
				if (TERMINAL_STATUSES.has(execution.status)) return execution;
			}
			if (Date.now() > deadline)
				throw new Error(`Execution ${id} did not finish within ${timeoutMs} ms.`);
			await sleep(300);
		}
	}

	/** Newest executions of a workflow, waiting until at least `count` exist. */
	async waitForExecutions(
		workflowId: string,
		count = 1,
		timeoutMs = 90_000,
	): Promise<ExecutionSummary[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = (await this.listExecutions({ workflowId })).filter((e) =>
				TERMINAL_STATUSES.has(e.status),
			);
			if (executions.length >= count) return executions;
			if (Date.now() > deadline)
				throw new Error(
					`Only ${executions.length} of ${count} executions of ${workflowId} within ${timeoutMs} ms.`,
				);
			await sleep(1000);
		}
	}
}

/** Decode an execution's `data` (n8n stores IRunExecutionData with `flatted`). */
export function decodeExecutionData(execution: Pick<ExecutionDetail, 'data'>): RunData {
	return parseFlatted(execution.data) as RunData;
}

/** Output items (json) of a node's first run, first output. */
export function nodeOutput(
	runData: RunData,
	nodeName: string,
	outputIndex = 0,
): Array<Record<string, unknown>> {
	const runs = runData.resultData.runData[nodeName];
	if (!runs?.length) return [];
	return (runs[0].data?.main?.[outputIndex] ?? []).map((item) => item.json);
}

/**
 * Minimal `flatted` parser: the JSON is an array; element 0 is the root; inside objects and arrays every
 * string is the index of the real value in that array (top-level string elements are real strings).
 */
export function parseFlatted(text: string): unknown {
	const input = JSON.parse(text) as unknown[];
	const revived = new Set<object>();
	const revive = (value: object): object => {
		if (revived.has(value)) return value;
		revived.add(value);
		const record = value as Record<string, unknown>;
		for (const key of Object.keys(record)) {
			const ref = record[key];
			if (typeof ref !== 'string') continue;
			const target = input[Number(ref)];
			record[key] = typeof target === 'object' && target !== null ? revive(target) : target;
		}
		return value;
	};
	const root = input[0];
	return typeof root === 'object' && root !== null ? revive(root) : root;
}

import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';

import { nodeTypes } from './node-types';

/** An empty workflow, only for its expression engine (as n8n's CredentialsHelper resolves them). */
const expressionWorkflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes });

/** Resolves the `={{ … $credentials … }}` expressions that a generic authenticate block uses. */
function resolve(value: string, credentials: ICredentialDataDecryptedObject): string {
	if (!value.startsWith('=')) return value;
	const resolved = expressionWorkflow.expression.getParameterValue(
		value,
		null,
		0,
		0,
		'credentials',
		[],
		'internal',
		{ $credentials: credentials },
	);
	return String(resolved ?? '');
}

/**
 * A credentials helper for tests: credentials are given in memory, and `authenticate` applies the
 * credential type's generic block the way n8n's own CredentialsHelper does (headers, qs, body, auth).
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Record<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.types[typeName]?.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!authenticate || authenticate.type !== 'generic') return requestOptions;
		const options = { ...requestOptions };
		const { headers, qs, body, auth } = authenticate.properties;
		const apply = (block: Record<string, unknown> | undefined): IDataObject =>
			Object.fromEntries(
				Object.entries(block ?? {}).map(([key, value]) => [
					key,
					typeof value === 'string' ? resolve(value, credentials) : value,
				]),
			) as IDataObject;
		if (headers) options.headers = { ...options.headers, ...apply(headers) };
		if (qs) options.qs = { ...options.qs, ...apply(qs) };
		if (body)
			options.body = { ...(options.body as object), ...apply(body as Record<string, unknown>) };
		if (auth) options.auth = apply(auth) as unknown as IHttpRequestOptions['auth'];
		return options;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
		const found = this.data[type];
		if (!found) throw new Error(`No test credentials of type ${type}`);
		return { ...found };
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('getCredentials is not used by these nodes');
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type]?.properties ?? [];
	}
}

/**
 * The secret key travels only over HTTPS, except to this machine (the sandbox) or when the
 * credential's "Allow HTTP to a Non-Loopback Host" says so in words. Checked where the base URL is
 * resolved (pacing.sessionFor), so no request of either node starts before it. The credential's
 * Test applies the same rule in its own request (credentials/AgentiveVoiceApi.credentials.ts).
 */
import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The Base URL without trailing slashes, or an error naming the field when the secret would be exposed. */
export function secureBaseUrl(node: INode, credentials: ICredentialDataDecryptedObject): string {
	const baseUrl = String(credentials.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	let url: URL | undefined;
	try {
		url = new URL(baseUrl);
	} catch {
		url = undefined;
	}
	if (url?.protocol === 'https:') return baseUrl;
	const loopback = url?.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname);
	if (loopback || (url?.protocol === 'http:' && credentials.allowInsecureHttp === true)) {
		return baseUrl;
	}
	// Only the origin is shown: a path or user:password@ part could hold something private.
	const shown = url ? `${url.protocol}//${url.host}` : '(not a URL)';
	throw new NodeOperationError(
		node,
		`Invalid Base URL ${shown}: expected an https:// URL (http:// only to this machine: localhost, 127.x.x.x or [::1])`,
		{
			description:
				'The secret key would travel in clear text. Use the https:// address of the API, or of your proxy. For a proxy on a trusted network only, turn on "Allow HTTP to a Non-Loopback Host (Trusted Network Only)" in the credential.',
		},
	);
}

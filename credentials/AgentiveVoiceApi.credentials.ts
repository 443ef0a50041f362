import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

// Whether the secret may travel to the Base URL: the rule of nodes/shared/transport/secureBaseUrl.ts.
const SECRET_MAY_TRAVEL =
	'(/^https:\\/\\//i.test(String($credentials.baseUrl).trim()) || /^http:\\/\\/(localhost|127(\\.\\d{1,3}){3}|\\[::1\\])(:\\d+)?(\\/|$)/i.test(String($credentials.baseUrl).trim()) || $credentials.allowInsecureHttp === true)';

export class AgentiveVoiceApi implements ICredentialType {
	name = 'agentiveVoiceApi';

	displayName = 'Agentive Voice API';

	icon: Icon = {
		light: 'file:../nodes/shared/agentiveVoice.svg',
		dark: 'file:../nodes/shared/agentiveVoice.dark.svg',
	};

	documentationUrl = 'https://github.com/agentive-voice/n8n-nodes-agentive-voice#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Publishable Key',
			name: 'publishableKey',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'pk_live_...',
			description:
				"Your account's publishable key, from the API tab of the Agentive Voice dashboard",
		},
		{
			displayName:
				'This does not look like a publishable key: they start with <code>pk_live_</code>. Copy it again from the API tab of your dashboard.',
			name: 'pkPrefixNotice',
			type: 'notice',
			default: '',
			displayOptions: { hide: { publishableKey: [{ _cnd: { startsWith: 'pk_live_' } }, ''] } },
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'sk_live_...',
			description:
				"Your account's secret key. It is sent only in the x-api-secret header, never in a body or URL.",
		},
		{
			displayName:
				'This does not look like a secret key: they start with <code>sk_live_</code>. If you lost it, rotate the keys in your dashboard.',
			name: 'skPrefixNotice',
			type: 'notice',
			default: '',
			displayOptions: { hide: { secretKey: [{ _cnd: { startsWith: 'sk_live_' } }, ''] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://voice.agentive.co.in/api/public/v1',
			description:
				'Change it only to use the local sandbox (for example http://127.0.0.1:8787/api/public/v1) or a proxy. http:// is refused except to this machine, since the secret key would travel in clear text.',
		},
		{
			displayName: 'Allow HTTP to a Non-Loopback Host (Trusted Network Only)',
			name: 'allowInsecureHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether to send the secret key over plain http:// to a host other than this machine, e.g. a company proxy on a trusted network. Anyone on the path can read the key.',
		},
	];

	// Headers only: the spec prefers them because they keep the secret out of bodies and most logs.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.publishableKey}}',
				// Never in clear text to another host, even from a request that skipped the node's check.
				'x-api-secret': `={{ ${SECRET_MAY_TRAVEL} ? $credentials.secretKey : '' }}`,
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/account',
			method: 'GET',
			// n8n (2.x) refuses a request outside allowedDomains before sending it, with this text.
			allowedDomains: `={{ ${SECRET_MAY_TRAVEL} ? '' : 'none over http:// (Base URL must start with https:// unless the host is this machine: localhost or 127.x.x.x or [::1])' }}`,
		},
	};
}

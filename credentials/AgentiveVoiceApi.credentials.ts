import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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
				'Change it only to use the local sandbox (for example http://127.0.0.1:8787/api/public/v1) or a proxy',
		},
	];

	// Headers only: the spec prefers them because they keep the secret out of bodies and most logs.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.publishableKey}}',
				'x-api-secret': '={{$credentials.secretKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/account',
			method: 'GET',
		},
	};
}

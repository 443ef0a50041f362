/**
 * The secret travels only over HTTPS, except to this machine: an http:// Base URL to another host
 * is refused by both nodes before any request, naming the field; the credential's own authenticate
 * block never puts the secret on such a request; the trusted-network setting lifts the refusal.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { AgentiveVoiceApi } from '../../../credentials/AgentiveVoiceApi.credentials';
import { apiCredentials } from '../../harness/engine';
import { TestCredentialsHelper } from '../../harness/credentials-helper';
import { triggerFor, useTriggerSandbox } from '../../trigger/helpers';
import { apiRequests, nodeErrorOf, runNode } from '../helpers';

const sandbox = useTriggerSandbox();
const BALANCE = { resource: 'account', operation: 'getBalance', options: { timeoutMs: 2000 } };
const REFUSED = /^Invalid Base URL http:\/\/[^ ]+: expected an https:\/\/ URL/;

const withUrl = (url: string, extra: Record<string, unknown> = {}) => ({
	...sandbox(),
	url,
	...extra,
});

describe('Base URL: the secret only over HTTPS, except to this machine', () => {
	it.each([
		'http://voice.agentive.co.in/api/public/v1',
		'http://10.0.0.8:8080/api/public/v1',
		'http://localhost.example.com/api',
		'http://127.0.0.1.nip.io/api',
		'HTTP://user:pass@proxy.corp/api',
		'ftp://voice.agentive.co.in/api',
		'not a url',
	])('the action node refuses %s before any request, in both error modes', async (url) => {
		const credentials = withUrl(url);
		const stopped = await runNode(sandbox(), BALANCE, { credentials });
		const error = nodeErrorOf(stopped);
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toMatch(/^Invalid Base URL /);
		expect(error.context?.itemIndex).toBe(0);
		expect(JSON.stringify(error)).not.toContain('pass@');
		const continued = await runNode(sandbox(), BALANCE, { credentials, continueOnFail: true });
		expect(continued.items.map((item) => item.json.error)).toEqual([error.message]);
		expect(apiRequests(sandbox())).toHaveLength(0);
		if (url.toLowerCase().startsWith('http:')) expect(error.message).toMatch(REFUSED);
	});

	it('the trigger refuses it too, naming the field', async () => {
		const trigger = triggerFor(sandbox(), { events: ['completed'] }, 'http://10.0.0.8/api');
		const poll = await trigger.poll();
		expect(poll.error?.message).toMatch(REFUSED);
		expect(apiRequests(sandbox())).toHaveLength(0);
	});

	it('accepts loopback over http (the sandbox), by IP and as localhost', async () => {
		for (const host of ['127.0.0.1', 'localhost']) {
			const url = sandbox().url.replace('127.0.0.1', host);
			const result = await runNode(sandbox(), BALANCE, { credentials: withUrl(url) });
			if (host === '127.0.0.1') expect(result.items[0].json).toHaveProperty('balance_inr');
			// localhost may resolve to ::1, where the sandbox does not listen: any error but ours.
			else if (result.nodeError) expect(nodeErrorOf(result).message).not.toMatch(/Base URL/);
		}
	});

	it('the trusted-network setting lets http:// to another host through', async () => {
		const result = await runNode(sandbox(), BALANCE, {
			credentials: withUrl('http://agentive-voice.invalid/api/public/v1'),
		});
		expect(nodeErrorOf(result).message).toMatch(REFUSED);
		const allowed = await runNode(sandbox(), BALANCE, {
			credentials: withUrl('http://agentive-voice.invalid/api/public/v1', {
				allowInsecureHttp: true,
			}),
		});
		// The check passed: what fails now is the unknown host, not the Base URL rule.
		expect(nodeErrorOf(allowed).message).not.toMatch(/Base URL/);
	});

	it("the credential's authenticate block sends the secret only where it may travel", async () => {
		const type = new AgentiveVoiceApi();
		const helper = new TestCredentialsHelper({ agentiveVoiceApi: type }, {});
		const headersFor = async (baseUrl: string, allowInsecureHttp = false) => {
			const data = { ...apiCredentials(sandbox()).agentiveVoiceApi, baseUrl, allowInsecureHttp };
			const options = await helper.authenticate(data, 'agentiveVoiceApi', {
				url: '/account',
			} as IHttpRequestOptions);
			return options.headers as Record<string, string>;
		};
		const secret = sandbox().apiSecret;
		expect((await headersFor('https://voice.agentive.co.in/api'))['x-api-secret']).toBe(secret);
		expect((await headersFor(sandbox().url))['x-api-secret']).toBe(secret);
		expect((await headersFor('http://[::1]:8787/api'))['x-api-secret']).toBe(secret);
		expect((await headersFor('http://10.0.0.8/api'))['x-api-secret']).toBe('');
		expect((await headersFor('http://127.0.0.1.nip.io/api'))['x-api-secret']).toBe('');
		expect((await headersFor('http://10.0.0.8/api', true))['x-api-secret']).toBe(secret);
	});
});

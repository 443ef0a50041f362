/**
 * Credentials: x-api-key (+ x-api-secret header, else `secret` in the JSON body), or HTTP Basic
 * when no x-api-key header is present. The secret is checked before the account's state, so an
 * unauthenticated caller cannot learn whether an account is suspended.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { secureEqual } from '../domain/secureCompare';
import type { Account, SandboxStore } from '../domain/store';
import { ApiError } from './envelope';
import { isPlainObject } from './body';

export const AUTH_MESSAGES = {
	missingKey: 'Missing API key. Send your publishable key in the x-api-key header.',
	invalid: 'Invalid API credentials.',
	inactive: 'This account is not active. Please contact support.',
	apiDisabled: 'The API is not enabled for this account. Please contact support.',
} as const;

interface Credentials {
	key: string | undefined;
	secret: string | undefined;
}

export function authenticate(
	store: SandboxStore,
	headers: IncomingHttpHeaders,
	body: unknown,
	referenceId: string | null,
): Account {
	const { key, secret } = credentials(headers, body);
	if (!key) throw new ApiError(401, AUTH_MESSAGES.missingKey, { referenceId });
	const account = store.accountByKey(key);
	if (!account) throw new ApiError(401, AUTH_MESSAGES.invalid, { referenceId });
	if (!secret || !secureEqual(secret, account.fixture.apiSecret))
		throw new ApiError(403, AUTH_MESSAGES.invalid, { referenceId });
	if (!account.fixture.active) throw new ApiError(403, AUTH_MESSAGES.inactive, { referenceId });
	if (!account.fixture.apiEnabled)
		throw new ApiError(403, AUTH_MESSAGES.apiDisabled, { referenceId });
	return account;
}

function credentials(headers: IncomingHttpHeaders, body: unknown): Credentials {
	const bodySecret =
		isPlainObject(body) && typeof body.secret === 'string' && body.secret !== ''
			? body.secret
			: undefined;
	const headerKey = single(headers['x-api-key']);
	if (headerKey) return { key: headerKey, secret: single(headers['x-api-secret']) || bodySecret };
	const basic = parseBasic(headers.authorization);
	if (basic) return { key: basic.user, secret: basic.password || bodySecret };
	return { key: undefined, secret: undefined };
}

function single(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value.join(', ') : value;
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
	const match = header === undefined ? null : /^Basic\s+(\S+)\s*$/i.exec(header);
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	const user = colon === -1 ? decoded : decoded.slice(0, colon);
	return user === '' ? undefined : { user, password: colon === -1 ? '' : decoded.slice(colon + 1) };
}

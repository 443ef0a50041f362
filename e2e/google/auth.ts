/**
 * Google's OAuth 2.0 token endpoint for service accounts (https://oauth2.googleapis.com/token), as
 * documented in https://developers.google.com/identity/protocols/oauth2/service-account#httprest:
 * a form POST with grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and an RS256-signed JWT
 * assertion whose signature is checked with the service account's public key. It answers
 * {access_token, expires_in, token_type} or an OAuth error {error, error_description}.
 */
import { createPublicKey, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';

export const TOKEN_URL = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_LIFETIME_S = 3599;

export interface ServiceAccount {
	email: string;
	/** PKCS#8 PEM, as in the JSON key file Google gives (what a user pastes into n8n). */
	privateKey: string;
}

interface Token {
	email: string;
	scopes: string[];
	expiresAt: number;
}

export interface TokenReply {
	status: number;
	json: Record<string, unknown>;
}

export class TokenEndpoint {
	private readonly publicKeys = new Map<string, string>();
	private readonly tokens = new Map<string, Token>();
	/** Tokens handed out (each of n8n's Sheets requests asks for a fresh one). */
	issued = 0;

	/** A new service account with a fresh 2048-bit RSA key, registered here by its public key. */
	createServiceAccount(name: string): ServiceAccount {
		const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const email = `${name}@agentive-e2e.iam.gserviceaccount.com`;
		this.publicKeys.set(email, publicKey.export({ type: 'spki', format: 'pem' }).toString());
		return { email, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
	}

	/** POST /token with an application/x-www-form-urlencoded body. */
	exchange(body: string, nowMs = Date.now()): TokenReply {
		const form = new URLSearchParams(body);
		const grantType = form.get('grant_type');
		if (grantType !== JWT_BEARER)
			return oauthError('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
		const assertion = form.get('assertion') ?? '';
		const parts = assertion.split('.');
		if (parts.length !== 3)
			return oauthError(
				'invalid_grant',
				'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
			);
		const [headerPart, claimPart, signaturePart] = parts;
		const header = decodeJson(headerPart);
		const claims = decodeJson(claimPart);
		if (!header || !claims || header.alg !== 'RS256')
			return oauthError('invalid_grant', 'Invalid JWT Signature.');
		const email = String(claims.iss ?? '');
		const publicKey = this.publicKeys.get(email);
		if (!publicKey) return oauthError('invalid_grant', 'Invalid grant: account not found');
		const verifier = createVerify('RSA-SHA256');
		verifier.update(`${headerPart}.${claimPart}`);
		if (!verifier.verify(createPublicKey(publicKey), Buffer.from(signaturePart, 'base64url')))
			return oauthError('invalid_grant', 'Invalid JWT Signature.');
		const now = Math.floor(nowMs / 1000);
		const iat = Number(claims.iat);
		const exp = Number(claims.exp);
		if (
			claims.aud !== TOKEN_URL ||
			!Number.isFinite(iat) ||
			!Number.isFinite(exp) ||
			exp <= now ||
			iat > now + 300 ||
			exp - iat > 3600
		)
			return oauthError(
				'invalid_grant',
				'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
			);
		const scopes = String(claims.scope ?? '')
			.split(' ')
			.filter(Boolean);
		if (scopes.length === 0)
			return oauthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
		const accessToken = `ya29.e2e-${randomBytes(24).toString('base64url')}`;
		this.tokens.set(accessToken, { email, scopes, expiresAt: nowMs + TOKEN_LIFETIME_S * 1000 });
		this.issued += 1;
		return {
			status: 200,
			json: { access_token: accessToken, expires_in: TOKEN_LIFETIME_S, token_type: 'Bearer' },
		};
	}

	/** The token of an `Authorization: Bearer …` header, if it is one we issued and still valid. */
	check(authorization: string | undefined, nowMs = Date.now()): 'missing' | 'invalid' | Token {
		const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
		if (!match) return 'missing';
		const token = this.tokens.get(match[1]);
		return token && token.expiresAt > nowMs ? token : 'invalid';
	}
}

function oauthError(error: string, description: string): TokenReply {
	return { status: 400, json: { error, error_description: description } };
}

function decodeJson(part: string): Record<string, unknown> | undefined {
	try {
		const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
		return typeof value === 'object' && value !== null
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

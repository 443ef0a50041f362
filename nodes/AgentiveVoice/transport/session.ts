import { NodeOperationError, sleep } from 'n8n-workflow';

import { accountWindowFor, type AccountWindow } from './accountWindow';
import type { ApiContext } from './types';
import { CREDENTIAL_TYPE } from './types';

/** What the transport keeps for one node run (one execution context). */
export interface Session {
	baseUrl: string;
	/** The account's rate-limit window, shared by every run on the same account in this process. */
	window: AccountWindow;
	/** unique_ids of the calls this run has placed, so a lookup never mistakes one for another item's. */
	placedIds: Set<string>;
	/** Whether this run has sent a request yet: its first one checks the shared window (a probe). */
	started: boolean;
}

/**
 * Sessions by execution context. n8n hands a node one context object for its whole run (every
 * item of an execute(), one poll()), so a WeakMap keyed by it holds the run's state for exactly
 * as long as the run exists, with nothing to clean up and nothing shared between runs.
 */
const sessions = new WeakMap<object, Session>();

export async function sessionFor(ctx: ApiContext): Promise<Session> {
	const known = sessions.get(ctx);
	if (known) return known;
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	const accountKey = `${baseUrl} ${String(credentials.publishableKey ?? '')}`;
	const session: Session = { baseUrl, window: accountWindowFor(accountKey, Date.now()), placedIds: new Set(), started: false };
	sessions.set(ctx, session);
	return session;
}

function cancelSignalOf(ctx: ApiContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

/** Throws if the execution was cancelled, so no further request or wait starts. */
export function throwIfCancelled(ctx: ApiContext): void {
	const signal = cancelSignalOf(ctx);
	if (!signal?.aborted) return;
	if (signal.reason instanceof Error) throw signal.reason;
	throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled');
}

/** Waits with n8n's sleep, ending early when the execution is cancelled. */
export async function pause(ctx: ApiContext, ms: number): Promise<void> {
	throwIfCancelled(ctx);
	if (ms > 0) {
		try {
			await sleep(ms, cancelSignalOf(ctx));
		} catch (error) {
			throwIfCancelled(ctx);
			throw new NodeOperationError(ctx.getNode(), error as Error);
		}
	}
	throwIfCancelled(ctx);
}

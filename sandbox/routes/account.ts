/** GET /account: the wallet balance, less the calls placed through the API that have finished. */
import { balanceAt } from '../domain/calls';
import { envelope } from '../http/envelope';
import { jsonResponse, type Outgoing } from '../http/response';
import type { ApiRequest, Route } from './types';

function account(req: ApiRequest): Outgoing {
	const data = { balance_inr: balanceAt(req.account, req.now), currency: 'INR' };
	return jsonResponse(
		200,
		envelope(200, 'Account retrieved.', { referenceId: req.referenceId, extras: { data } }),
	);
}

export const accountRoutes: Route[] = [{ method: 'GET', pattern: '/account', handler: account }];

import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { apiRequest, type ApiRequest, type ListEnvelope } from '../../AgentiveVoice/transport';
import { formatApiInstant, parseApiInstant } from './time';
import type { ListingPlan } from './state';
import type { ApiCall, FinishedStatus, TriggerSettings } from './types';
import { isFinished } from './types';

const PER_PAGE = 100;
/** Manual mode reads at most this many pages per status looking for a call of the campaign. */
const SAMPLE_MAX_PAGES = 3;

/**
 * One List calls page. Not retried inside the poll: the poll is the retry loop (a failed poll
 * changes no state and the next one re-reads the same window), and retrying here would only
 * delay the error and stretch a poll into the next one. The transport still paces every request
 * on the account's RateLimit headers, shared with the action node, and waits out a 429 within
 * the request timeout.
 */
async function listPage(ctx: IPollFunctions, settings: TriggerSettings, qs: IDataObject): Promise<ListEnvelope<ApiCall>> {
	const request: ApiRequest = {
		method: 'GET',
		path: '/calls',
		qs: { ...serverFilters(settings), ...qs },
		retry: 'none',
		timeoutMs: settings.timeoutMs,
		maxRateLimitWaitMs: settings.timeoutMs,
	};
	return await apiRequest<ListEnvelope<ApiCall>>(ctx, request);
}

function serverFilters(settings: TriggerSettings): IDataObject {
	const qs: IDataObject = {};
	if (settings.direction) qs.direction = settings.direction;
	if (settings.number) qs.number = settings.number;
	return qs;
}

/**
 * Every call the plan covers: the recent part (no upper bound) and each follow range, newest first,
 * one page of 100 per request. An idle poll costs one request; K new calls cost ceil(K/100), plus
 * one request per follow range. Calls created while paging push older ones down a page, so a call
 * can be listed twice but never skipped; the later (fresher) copy wins.
 */
export async function listCalls(ctx: IPollFunctions, settings: TriggerSettings, plan: ListingPlan): Promise<ApiCall[]> {
	const byId = new Map<string, ApiCall>();
	const parts: IDataObject[] = [
		plan.recentFromMs === undefined ? {} : { from: formatApiInstant(plan.recentFromMs) },
		...plan.follow.map(([from, to]) => ({ from: formatApiInstant(from * 1000), to: formatApiInstant(to * 1000) })),
	];
	for (const bounds of parts) {
		for (const call of await listPart(ctx, settings, bounds, plan.stopAfterMs)) byId.set(call.unique_id, call);
	}
	return [...byId.values()];
}

async function listPart(ctx: IPollFunctions, settings: TriggerSettings, bounds: IDataObject, stopAfterMs?: number): Promise<ApiCall[]> {
	const calls: ApiCall[] = [];
	let newestMs: number | undefined;
	for (let page = 1; ; page++) {
		const body = await listPage(ctx, settings, { ...bounds, page, per_page: PER_PAGE });
		const data = (Array.isArray(body.data) ? body.data : []).filter((call) => typeof call?.unique_id === 'string');
		calls.push(...data);
		const createdMs = data.map((call) => parseApiInstant(call.created_at)).filter((ms): ms is number => ms !== null);
		if (newestMs === undefined && createdMs.length > 0) newestMs = Math.max(...createdMs);
		const pastLookback =
			stopAfterMs !== undefined && newestMs !== undefined && createdMs.length > 0 && newestMs - Math.min(...createdMs) > stopAfterMs;
		if (!hasMorePages(body, page, PER_PAGE) || pastLookback) return calls;
	}
}

/** Whether a page after `page` exists; without pagination data, a full page suggests one. */
function hasMorePages(body: ListEnvelope<ApiCall>, page: number, perPage: number): boolean {
	const count = Array.isArray(body.data) ? body.data.length : 0;
	if (count === 0) return false;
	const totalPages = body.pagination?.total_pages;
	return typeof totalPages === 'number' ? page < totalPages : count >= perPage;
}

/**
 * Manual mode: the most recent finished call of a selected status that matches the filters, however
 * old, so users can map its fields. One request per selected status when no campaign filter is set.
 */
export async function latestFinishedCall(ctx: IPollFunctions, settings: TriggerSettings): Promise<ApiCall | undefined> {
	let best: { call: ApiCall; createdMs: number } | undefined;
	const perPage = settings.campaignId === undefined ? 1 : PER_PAGE;
	for (const status of settings.events) {
		const call = await latestOfStatus(ctx, settings, status, perPage);
		const createdMs = parseApiInstant(call?.created_at) ?? Number.NEGATIVE_INFINITY;
		if (call && (!best || createdMs > best.createdMs)) best = { call, createdMs };
	}
	return best?.call;
}

async function latestOfStatus(
	ctx: IPollFunctions,
	settings: TriggerSettings,
	status: FinishedStatus,
	perPage: number,
): Promise<ApiCall | undefined> {
	for (let page = 1; page <= SAMPLE_MAX_PAGES; page++) {
		const body = await listPage(ctx, settings, { status, page, per_page: perPage });
		const data = Array.isArray(body.data) ? body.data : [];
		const match = data.find(
			(call) =>
				isFinished(call.status) &&
				call.status === status &&
				(settings.campaignId === undefined || call.campaign_id === settings.campaignId),
		);
		if (match) return match;
		if (!hasMorePages(body, page, perPage)) return undefined;
	}
	return undefined;
}

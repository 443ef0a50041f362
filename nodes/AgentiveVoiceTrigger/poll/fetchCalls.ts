import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { formatApiInstant, MAX_PER_PAGE, parseApiInstant } from '../../shared/apiFacts';
import { listPages, type Page } from '../../shared/transport';
import type { ListingPlan } from './state';
import type { ApiCall, FinishedStatus, TriggerSettings } from './types';
import { isFinished } from './types';

/** Manual mode reads at most this many pages per status looking for a call of the campaign. */
const SAMPLE_MAX_PAGES = 3;

/**
 * The List calls pages for the trigger's filters and `qs`. Not retried inside the poll: the poll
 * is the retry loop (a failed poll changes no state and the next one re-reads the same window),
 * and retrying here would only delay the error and stretch a poll into the next one. The
 * transport still paces every request on the account's RateLimit headers, shared with the action
 * node, and waits out a 429 within the request timeout.
 */
function callPages(
	ctx: IPollFunctions,
	settings: TriggerSettings,
	qs: IDataObject,
	perPage: number,
	maxPages?: number,
): AsyncGenerator<Page<ApiCall>> {
	const request = {
		path: '/calls',
		qs: { ...serverFilters(settings), ...qs },
		retry: 'none' as const,
		timeoutMs: settings.timeoutMs,
		maxRateLimitWaitMs: settings.timeoutMs,
	};
	return listPages<ApiCall>(ctx, request, perPage, maxPages);
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
export async function listCalls(
	ctx: IPollFunctions,
	settings: TriggerSettings,
	plan: ListingPlan,
): Promise<ApiCall[]> {
	const byId = new Map<string, ApiCall>();
	const parts: IDataObject[] = [
		plan.recentFromMs === undefined ? {} : { from: formatApiInstant(plan.recentFromMs) },
		...plan.follow.map(([from, to]) => ({
			from: formatApiInstant(from * 1000),
			to: formatApiInstant(to * 1000),
		})),
	];
	for (const bounds of parts) {
		for (const call of await listPart(ctx, settings, bounds, plan.stopAfterMs))
			byId.set(call.unique_id, call);
	}
	return [...byId.values()];
}

async function listPart(
	ctx: IPollFunctions,
	settings: TriggerSettings,
	bounds: IDataObject,
	stopAfterMs?: number,
): Promise<ApiCall[]> {
	const calls: ApiCall[] = [];
	let newestMs: number | undefined;
	for await (const page of callPages(ctx, settings, bounds, MAX_PER_PAGE)) {
		const data = page.data.filter((call) => typeof call?.unique_id === 'string');
		calls.push(...data);
		const createdMs = data
			.map((call) => parseApiInstant(call.created_at))
			.filter((ms): ms is number => ms !== null);
		if (newestMs === undefined && createdMs.length > 0) newestMs = Math.max(...createdMs);
		// Most recent first: once a page reaches past the lookback, older pages are not needed.
		if (
			stopAfterMs !== undefined &&
			newestMs !== undefined &&
			createdMs.length > 0 &&
			newestMs - Math.min(...createdMs) > stopAfterMs
		)
			break;
	}
	return calls;
}

/**
 * Manual mode: the most recent finished call of a selected status that matches the filters, however
 * old, so users can map its fields. One request per selected status when no campaign filter is set.
 */
export async function latestFinishedCall(
	ctx: IPollFunctions,
	settings: TriggerSettings,
): Promise<ApiCall | undefined> {
	let best: { call: ApiCall; createdMs: number } | undefined;
	const perPage = settings.campaignId === undefined ? 1 : MAX_PER_PAGE;
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
	for await (const { data } of callPages(ctx, settings, { status }, perPage, SAMPLE_MAX_PAGES)) {
		const match = data.find(
			(call) =>
				isFinished(call.status) &&
				call.status === status &&
				(settings.campaignId === undefined || call.campaign_id === settings.campaignId),
		);
		if (match) return match;
	}
	return undefined;
}

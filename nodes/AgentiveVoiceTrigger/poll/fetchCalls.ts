import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { formatApiInstant, MAX_PER_PAGE, parseApiInstant, toSeconds } from '../../shared/apiFacts';
import { listPages, type Page } from '../../shared/transport';
import { spansOf, type ListingPlan } from './state';
import type { ApiCall, CreatedRange, FinishedStatus, TriggerSettings } from './types';

/** Manual mode reads at most this many pages per status looking for a call of the campaign. */
const SAMPLE_MAX_PAGES = 3;

/**
 * The List calls pages for the trigger's filters and `qs`. Not retried: the poll is the retry loop
 * (a failed poll changes no state), and retrying would stretch a poll into the next one.
 */
function callPages(
	ctx: IPollFunctions,
	settings: TriggerSettings,
	qs: IDataObject,
	perPage: number,
	maxPages?: number,
): AsyncGenerator<Page<ApiCall>> {
	const { direction, number, timeoutMs } = settings;
	const request = {
		path: '/calls',
		qs: { ...(direction ? { direction } : {}), ...(number ? { number } : {}), ...qs },
		retry: 'none' as const,
		timeoutMs,
		maxRateLimitWaitMs: timeoutMs,
	};
	return listPages<ApiCall>(ctx, request, perPage, maxPages);
}

export interface Listing {
	calls: ApiCall[];
	spans: CreatedRange[];
	unlisted: CreatedRange[];
}

/**
 * n8n 2.x abandons a poll past its budget (getPollBudgetMs; 1.x has none). The check marks a page's
 * arrival and says whether this poll's slowest page would no longer fit in the budget.
 */
function budgetCheck(ctx: Partial<IPollFunctions>): () => boolean {
	let lastMs = Date.now();
	let slowestMs = 0;
	const budgetMs = typeof ctx.getPollBudgetMs === 'function' ? ctx.getPollBudgetMs() : NaN;
	const endMs = budgetMs > 0 ? lastMs + budgetMs : Number.POSITIVE_INFINITY;
	return () => {
		const now = Date.now();
		slowestMs = Math.max(slowestMs, now - lastMs);
		lastMs = now;
		return now + slowestMs > endMs;
	};
}

/**
 * Every call the plan covers, newest first. Calls created while paging push older ones down a
 * page, so a call can be listed twice but never skipped; the later copy wins. What the budget
 * left unlisted is returned for the next poll.
 */
export async function listCalls(
	ctx: IPollFunctions,
	settings: TriggerSettings,
	plan: ListingPlan,
): Promise<Listing> {
	const byId = new Map<string, ApiCall>();
	const listing: Listing = { calls: [], spans: [], unlisted: [] };
	const spent = budgetCheck(ctx);
	for (const span of spansOf(plan)) {
		if (listing.unlisted.length > 0 || (listing.spans.length > 0 && spent())) {
			listing.unlisted.push(span);
			continue;
		}
		const { calls, unlisted } = await listPart(ctx, settings, span, spent, plan.stopAfterMs);
		for (const call of calls) byId.set(call.unique_id, call);
		listing.spans.push(unlisted ? [unlisted[1], span[1]] : span);
		if (unlisted) listing.unlisted.push(unlisted);
	}
	return { ...listing, calls: [...byId.values()] };
}

async function listPart(
	ctx: IPollFunctions,
	settings: TriggerSettings,
	[from, to]: CreatedRange,
	spent: () => boolean,
	stopAfterMs?: number,
): Promise<{ calls: ApiCall[]; unlisted?: CreatedRange }> {
	const bounds: IDataObject = {};
	if (Number.isFinite(from)) bounds.from = formatApiInstant(from * 1000);
	if (Number.isFinite(to)) bounds.to = formatApiInstant(to * 1000);
	const calls: ApiCall[] = [];
	let newestMs: number | undefined;
	spent();
	for await (const page of callPages(ctx, settings, bounds, MAX_PER_PAGE)) {
		const stop = spent();
		const data = page.data.filter((call) => typeof call?.unique_id === 'string');
		calls.push(...data);
		const createdMs = data
			.map((call) => parseApiInstant(call.created_at))
			.filter((ms): ms is number => ms !== null);
		if (createdMs.length === 0) continue;
		newestMs ??= Math.max(...createdMs);
		const oldestMs = Math.min(...createdMs);
		// Most recent first: once a page reaches past the lookback, older pages are not needed.
		if (stopAfterMs !== undefined && newestMs - oldestMs > stopAfterMs) break;
		if (stop && page.more) {
			// Stop on a whole second: its calls may run onto the next page, so the next poll lists it again.
			const lowest = toSeconds(oldestMs);
			const floor =
				stopAfterMs === undefined ? Math.max(from, 0) : toSeconds(newestMs - stopAfterMs);
			const kept = calls.filter(
				(call) => (parseApiInstant(call.created_at) ?? Infinity) >= (lowest + 1) * 1000,
			);
			return { calls: kept, unlisted: [Math.min(floor, lowest), lowest + 1] };
		}
	}
	return { calls };
}

/** Manual mode: the most recent finished call matching the events and filters, however old. */
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
				call.status === status &&
				(settings.campaignId === undefined || call.campaign_id === settings.campaignId),
		);
		if (match) return match;
	}
	return undefined;
}

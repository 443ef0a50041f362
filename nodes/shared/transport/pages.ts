/** Pages: WHICH page of a List endpoint comes next; the package's one page loop. */
import { dataArray } from '../apiFacts';

export interface Page<T> {
	/** 1-based. */
	page: number;
	data: T[];
	/** Whether the response says another page follows. */
	more: boolean;
}

/** Whether a page after `page` exists: only when the response's pagination.total_pages says so. */
export function hasNextPage(body: unknown, page: number, count: number): boolean {
	if (count === 0) return false;
	const pagination =
		body && typeof body === 'object' ? (body as { pagination?: unknown }).pagination : undefined;
	const totalPages =
		pagination && typeof pagination === 'object'
			? (pagination as { total_pages?: unknown }).total_pages
			: undefined;
	return typeof totalPages === 'number' && page < totalPages;
}

export async function* pages<T>(
	fetchPage: (page: number) => Promise<unknown>,
	maxPages = Number.POSITIVE_INFINITY,
): AsyncGenerator<Page<T>> {
	for (let page = 1; page <= maxPages; page++) {
		const body = await fetchPage(page);
		const data = dataArray<T>(body);
		const more = hasNextPage(body, page, data.length);
		yield { page, data, more };
		if (!more) return;
	}
}

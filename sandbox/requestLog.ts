/** The request log of API traffic (not /__sandbox/ traffic), bounded so a long-running sandbox cannot grow without limit. */
import type { LoggedRequest } from './types';

export const LOG_LIMIT = 5000;

export class RequestLog {
	private entries: LoggedRequest[] = [];

	/** Stores the entry and returns it, so the status can be filled in once known. */
	add(entry: LoggedRequest): LoggedRequest {
		this.entries.push(entry);
		if (this.entries.length > LOG_LIMIT) this.entries.splice(0, this.entries.length - LOG_LIMIT);
		return entry;
	}

	/** Oldest first; copies, so callers cannot change the log. */
	all(): LoggedRequest[] {
		return this.entries.map((entry) => ({
			...entry,
			query: { ...entry.query },
			headers: { ...entry.headers },
		}));
	}

	clear(): void {
		this.entries = [];
	}
}

/** The transport's types, apart from its code so that every layer imports them one way. */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

/** Every n8n context that may call the API. */
export type ApiContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

/** A response body read as it arrives (encoding 'stream'): what n8n's binary helpers accept. */
export type BodyStream = Exclude<
	Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
	Buffer
>;

/** The envelope every JSON response carries (spec: "Response envelope"). */
export interface Envelope extends IDataObject {
	status: 'success' | 'error';
	code: number;
	unique_id?: string | null;
	reference_id?: string | null;
	details?: string;
}

export interface ListEnvelope<T> extends Envelope {
	data: T[];
	pagination?: { page: number; per_page: number; total: number; total_pages: number };
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path relative to the base URL, starting with '/'. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	headers?: Record<string, string>;
	/** Item the request is made for, so errors point at it. */
	itemIndex?: number;
	/**
	 * 'stream' for binary downloads: a 2xx body is returned as a BodyStream, unread, for the
	 * caller to hand to n8n (consumeStream); an error status is read in full to parse its envelope.
	 */
	encoding?: 'json' | 'stream';
	/**
	 * Returns true for an error response that the caller treats as data rather than a failure
	 * (Verify Code's wrong code). Such a response is returned instead of thrown.
	 */
	acceptError?: (statusCode: number, body: IDataObject) => boolean;
	/**
	 * How an attempt whose outcome is unknown (timeout, dropped connection, 5xx) is handled.
	 * 'read': retried with backoff. 'placement': looked up by reference_id before any retry.
	 * 'none': never retried. A 429 for the account rate limit is retried in every mode (the
	 * request was not processed). Default: GET → 'read', others → 'none'.
	 */
	retry?: 'read' | 'placement' | 'none';
	/** For retry 'placement': the number dialled and the item's reference_id used to find the call. */
	placement?: { number: string; referenceId?: string };
	/** Per-attempt timeout in milliseconds. */
	timeoutMs?: number;
	/** Cap on the total time spent waiting for the rate limit (node option; default 300 s). */
	maxRateLimitWaitMs?: number;
}

export interface ApiResponse<T = IDataObject> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
}

/** The transport's types, apart from its code so that every layer imports them one way. */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

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
	/** 'stream': a 2xx body is returned unread, for consumeStream. */
	encoding?: 'json' | 'stream';
	/** True for an error response returned as data, not thrown (Verify Code's wrong code). */
	acceptError?: (statusCode: number, body: IDataObject) => boolean;
	/** For an unknown outcome (see retries.ts). Default: GET → 'read', others → 'none'. */
	retry?: 'read' | 'placement' | 'none';
	/** For retry 'placement': the number dialled and the item's reference_id used to find the call. */
	placement?: { number: string; referenceId?: string };
	timeoutMs?: number;
	/** Cap on the total time spent waiting for the rate limit (node option; default 300 s). */
	maxRateLimitWaitMs?: number;
}

export interface ApiResponse<T = IDataObject> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
}

/** The one JSON envelope every API response uses, and the error type routes throw. */

export interface EnvelopeFields {
	uniqueId?: string | null;
	referenceId?: string | null;
	/** Documented extras (request_id, verified, data, …); never override the envelope's own keys. */
	extras?: Record<string, unknown>;
}

export function envelope(
	code: number,
	details: string,
	fields: EnvelopeFields = {},
): Record<string, unknown> {
	const body: Record<string, unknown> = {
		status: code < 400 ? 'success' : 'error',
		code,
		unique_id: fields.uniqueId ?? null,
		reference_id: fields.referenceId ?? null,
		details,
	};
	for (const [key, value] of Object.entries(fields.extras ?? {}))
		if (!(key in body)) body[key] = value;
	return body;
}

/** Thrown by routes; the server turns it into an enveloped error. Messages are client-facing: no internals. */
export class ApiError extends Error {
	constructor(
		readonly code: number,
		readonly details: string,
		readonly fields: EnvelopeFields = {},
		readonly headers: Record<string, string> = {},
	) {
		super(details);
	}
}

export const MESSAGES = {
	notFound: 'Not found.',
	invalidJson: 'The request body is not valid JSON.',
	notAnObject: 'The request body must be a JSON object.',
	tooLarge: 'The request body is too large. The limit is 1 MB.',
	internal: 'Something went wrong on our side. Please retry.',
	unavailable: 'Service temporarily unavailable. Please retry.',
	placementFailed: 'Could not place the call right now. Please retry.',
	rateLimited: 'Too many requests. Please slow down and retry shortly.',
	otpNumberLimited:
		'Too many verification calls to this number. Please wait before sending another code.',
	badRequest: 'The request could not be understood.',
	headersTooLarge: 'The request headers are too large.',
} as const;

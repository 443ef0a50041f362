import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { ItemParameters } from '../../helpers/parameters';
import type { CollectionParameters } from '../../../shared/parameters';
import { readOptions, requestSettings } from '../../helpers/requestOptions';
import {
	apiRequestFull,
	bytesReceived,
	consumeStream,
	type BodyStream,
} from '../../../shared/transport';
import { operationFields, readOptionsField } from '../common.descriptions';

export const description: INodeProperties[] = operationFields('call', 'downloadRecording', [
	{
		displayName: 'Unique ID or Call ID',
		name: 'uniqueId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'run_4821',
		description:
			"The call's unique_id (e.g. run_4821) or its call_id, as returned by Place or Get Many",
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the output binary field to put the recording in',
		description: 'The binary field the recording is written to',
	},
	readOptionsField([
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			placeholder: 'run_4821.ogg',
			description:
				'Name of the output file. Empty uses the name the API gives, or the ID and the format, e.g. run_4821.ogg or run_4821.wav.',
		},
		{
			displayName: 'Range Start (Byte)',
			name: 'rangeStart',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'Download from this byte on (0 is the first byte). Set it, alone or with Range End, to fetch part of a recording or resume a download.',
		},
		{
			displayName: 'Range End (Byte)',
			name: 'rangeEnd',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'Last byte to download, inclusive. Needs Range Start.',
		},
	]),
]);

const EXTENSIONS: Record<string, string> = {
	'audio/ogg': 'ogg',
	'audio/opus': 'opus',
	'audio/wav': 'wav',
	'audio/wave': 'wav',
	'audio/x-wav': 'wav',
	'audio/vnd.wave': 'wav',
	'audio/mpeg': 'mp3',
};

function dispositionFileName(header: string | undefined): string | undefined {
	const match = header ? /filename="?([^";]+)"?/i.exec(header) : null;
	return match?.[1].split(/[\\/]/).pop()?.trim() || undefined;
}

function rangeHeader(options: CollectionParameters): string | undefined {
	const start = options.optionalWholeNumber('rangeStart', 'Range Start (Byte)', 0);
	const end = options.optionalWholeNumber('rangeEnd', 'Range End (Byte)', 0);
	if (end !== undefined && start === undefined) {
		throw options.invalid(
			'Range Start (Byte)',
			options.value('rangeStart'),
			'a start byte when Range End is set',
		);
	}
	if (start === undefined) return undefined;
	if (end !== undefined && end < start) {
		throw options.invalid('Range End (Byte)', end, `a byte at or after Range Start (${start})`);
	}
	return `bytes=${start}-${end ?? ''}`;
}

/** Turns the API's 404/416 into advice about recordings rather than about ids in general. */
function explain(error: unknown): unknown {
	if (!(error instanceof NodeApiError)) return error;
	if (error.httpCode === '404' && /no recording/i.test(error.message)) {
		error.description =
			'Only calls that were answered have a recording, and audio can take a moment to become available after the call ends.';
	} else if (error.httpCode === '416') {
		error.description =
			'Range Start is at or beyond the end of the recording. Lower it, or remove the range.';
	}
	return error;
}

/**
 * Downloads the recording into a binary field, streamed to n8n's binary store as it arrives (in
 * filesystem or S3 mode it is never held in memory whole). With a range the API answers 206.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const params = new ItemParameters(this, itemIndex);
	const uniqueId = params.resourceId('uniqueId', 'Unique ID or Call ID');
	const binaryPropertyName = params.text(
		'binaryPropertyName',
		'Put Output File in Field',
		'a binary field name such as data',
	);
	const options = readOptions(params);
	const range = rangeHeader(options);
	const fileName = options.optionalText(
		'fileName',
		'File Name',
		'a file name such as run_4821.ogg',
	);
	const settings = requestSettings(params, options);

	const response = await apiRequestFull<BodyStream>(this, {
		method: 'GET',
		path: `/calls/${encodeURIComponent(uniqueId)}/recording`,
		encoding: 'stream',
		headers: range ? { range } : undefined,
		itemIndex,
		...settings,
	}).catch((error: unknown) => {
		throw explain(error);
	});

	const header = (name: string): string | undefined => {
		const value = response.headers[name];
		return Array.isArray(value) ? value[0] : value;
	};
	const contentType = header('content-type') ?? 'application/octet-stream';
	const mimeType = contentType.split(';')[0].trim().toLowerCase();
	const name =
		fileName ??
		dispositionFileName(header('content-disposition')) ??
		`${uniqueId}.${EXTENSIONS[mimeType] ?? 'bin'}`;
	const binary = await consumeStream(
		this,
		response.body,
		async (stream) => await this.helpers.prepareBinaryData(stream, name, mimeType),
		itemIndex,
	);
	const contentRange = header('content-range');

	return [
		{
			json: {
				unique_id: uniqueId,
				file_name: name,
				mime_type: mimeType,
				size_bytes: binary.bytes ?? bytesReceived(response.body),
				partial: response.statusCode === 206,
				...(contentRange ? { content_range: contentRange } : {}),
			},
			binary: { [binaryPropertyName]: binary },
		},
	];
}

/**
 * A stand-in for the Google Sheets API v4 (https://sheets.googleapis.com), limited to the requests
 * n8n's Google Sheets node (v4.x, "Append or Update Row") makes, answered as the reference documents
 * them (https://developers.google.com/workspace/sheets/api/reference/rest):
 *
 *   GET  /v4/spreadsheets/{id}[?fields=sheets.properties]         spreadsheets.get
 *   GET  /v4/spreadsheets/{id}/values/{range}                      spreadsheets.values.get
 *   PUT  /v4/spreadsheets/{id}/values/{range}?valueInputOption=…   spreadsheets.values.update
 *   POST /v4/spreadsheets/{id}/values/{range}:append               spreadsheets.values.append
 *   POST /v4/spreadsheets/{id}/values:batchUpdate                  spreadsheets.values.batchUpdate
 *   POST /v4/spreadsheets/{id}:batchUpdate  (appendDimension)      spreadsheets.batchUpdate
 *
 * It refuses what Google refuses, with Google's error shape {error: {code, message, status}}: no or
 * an unknown access token (401), an unknown spreadsheet (404), a range that names no sheet or does
 * not parse, or lies outside the grid (400). Anything else is answered 501 so a test notices a
 * request the stand-in does not know. Scope: see docs/assumptions.md ("Google Sheets stand-in").
 */
import { columnLetters, parseA1, sheetRef, type GridRange } from './a1';
import type { TokenEndpoint } from './auth';

export type Cell = string | number | boolean;

export interface Sheet {
	sheetId: number;
	title: string;
	rowCount: number;
	columnCount: number;
	/** rows[r][c]; undefined = empty cell. */
	rows: Array<Array<Cell | undefined>>;
}

export interface Spreadsheet {
	spreadsheetId: string;
	title: string;
	sheets: Sheet[];
}

export interface SheetsReply {
	status: number;
	json: unknown;
}

export interface LoggedSheetsRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	status: number;
	/** Ranges written by the request (values.update / append / batchUpdate). */
	written: string[];
}

const SCOPES_THAT_WRITE = [
	'https://www.googleapis.com/auth/spreadsheets',
	'https://www.googleapis.com/auth/drive',
	'https://www.googleapis.com/auth/drive.file',
];

export class SheetsApi {
	readonly spreadsheets = new Map<string, Spreadsheet>();
	readonly log: LoggedSheetsRequest[] = [];
	/** The next write is applied, then answered 503 (Google's answer got lost: the client must retry). */
	private failNextWriteAfterApplying = false;

	constructor(private readonly tokens: TokenEndpoint) {}

	/** A spreadsheet with one sheet per title, 1,000 rows × 26 columns each, like a new Google sheet. */
	createSpreadsheet(spreadsheetId: string, title: string, sheetTitles: string[]): Spreadsheet {
		const spreadsheet: Spreadsheet = {
			spreadsheetId,
			title,
			sheets: sheetTitles.map((sheetTitle, index) => ({
				sheetId: index === 0 ? 0 : 1_000_000 + index,
				title: sheetTitle,
				rowCount: 1000,
				columnCount: 26,
				rows: [],
			})),
		};
		this.spreadsheets.set(spreadsheetId, spreadsheet);
		return spreadsheet;
	}

	failNextWrite(): void {
		this.failNextWriteAfterApplying = true;
	}

	/** The sheet's values as a user sees them (FORMATTED_VALUE), trailing empty cells dropped. */
	displayed(spreadsheetId: string, title: string): string[][] {
		const sheet = this.spreadsheets.get(spreadsheetId)?.sheets.find((s) => s.title === title);
		if (!sheet) throw new Error(`No sheet ${title} in ${spreadsheetId}`);
		return trimRows(sheet.rows.map((row) => row.map((cell) => formatted(cell))));
	}

	handle(method: string, url: URL, authorization: string | undefined, body: string): SheetsReply {
		const written: string[] = [];
		const reply = this.route(method, url, authorization, body, written);
		this.log.push({
			method,
			path: decodeURIComponent(url.pathname),
			query: Object.fromEntries(url.searchParams),
			status: reply.status,
			written,
		});
		return reply;
	}

	private route(
		method: string,
		url: URL,
		authorization: string | undefined,
		body: string,
		written: string[],
	): SheetsReply {
		const match = /^\/v4\/spreadsheets\/([^/:]+)(.*)$/.exec(url.pathname);
		if (!match) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.');
		const token = this.tokens.check(authorization);
		if (token === 'missing')
			return googleError(
				401,
				'UNAUTHENTICATED',
				'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
			);
		if (token === 'invalid')
			return googleError(
				401,
				'UNAUTHENTICATED',
				'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
			);
		if (!token.scopes.some((scope) => SCOPES_THAT_WRITE.includes(scope)))
			return googleError(
				403,
				'PERMISSION_DENIED',
				'Request had insufficient authentication scopes.',
			);
		const spreadsheet = this.spreadsheets.get(decodeURIComponent(match[1]));
		if (!spreadsheet) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.');
		const rest = match[2];
		const json = parseBody(body);
		if (json === undefined)
			return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');

		if (method === 'GET' && rest === '') return this.getSpreadsheet(spreadsheet, url);
		if (method === 'POST' && rest === ':batchUpdate')
			return this.batchUpdate(spreadsheet, json, written);
		if (method === 'POST' && rest === '/values:batchUpdate')
			return this.valuesBatchUpdate(spreadsheet, json, written);
		const values = /^\/values\/(.+?)(:append)?$/.exec(rest);
		if (values) {
			const range = decodeURIComponent(values[1]);
			if (method === 'GET' && !values[2]) return this.getValues(spreadsheet, range, url);
			if (method === 'PUT' && !values[2])
				return this.updateValues(spreadsheet, range, url, json, written);
			if (method === 'POST' && values[2])
				return this.appendValues(spreadsheet, range, url, json, written);
		}
		return googleError(
			501,
			'UNIMPLEMENTED',
			`The Google stand-in does not implement ${method} ${url.pathname}.`,
		);
	}

	private getSpreadsheet(spreadsheet: Spreadsheet, url: URL): SheetsReply {
		const sheets = spreadsheet.sheets.map((sheet, index) => ({
			properties: {
				sheetId: sheet.sheetId,
				title: sheet.title,
				index,
				sheetType: 'GRID',
				gridProperties: { rowCount: sheet.rowCount, columnCount: sheet.columnCount },
			},
		}));
		const fields = url.searchParams.get('fields');
		if (fields === 'sheets.properties') return { status: 200, json: { sheets } };
		if (fields !== null)
			return googleError(400, 'INVALID_ARGUMENT', `Invalid field selection ${fields}`);
		return {
			status: 200,
			json: {
				spreadsheetId: spreadsheet.spreadsheetId,
				properties: { title: spreadsheet.title, locale: 'en_US', timeZone: 'Asia/Kolkata' },
				sheets,
				spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${spreadsheet.spreadsheetId}/edit`,
			},
		};
	}

	private getValues(spreadsheet: Spreadsheet, a1: string, url: URL): SheetsReply {
		const resolved = resolveRange(spreadsheet, a1);
		if ('status' in resolved) return resolved;
		const { sheet, box } = resolved;
		const render = url.searchParams.get('valueRenderOption') ?? 'FORMATTED_VALUE';
		if (!['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'].includes(render))
			return googleError(
				400,
				'INVALID_ARGUMENT',
				`Invalid value at 'value_render_option' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), "${render}"`,
			);
		const values: Cell[][] = [];
		for (let r = box.top; r <= box.bottom; r++) {
			const row: Cell[] = [];
			for (let c = box.left; c <= box.right; c++) {
				const cell = sheet.rows[r]?.[c];
				row.push(render === 'FORMATTED_VALUE' ? formatted(cell) : (cell ?? ''));
			}
			values.push(row);
		}
		const trimmed = trimRows(values);
		return {
			status: 200,
			json: {
				range: boxA1(sheet, box),
				majorDimension: 'ROWS',
				...(trimmed.length > 0 ? { values: trimmed } : {}),
			},
		};
	}

	private updateValues(
		spreadsheet: Spreadsheet,
		a1: string,
		url: URL,
		json: Record<string, unknown>,
		written: string[],
	): SheetsReply {
		const input = valueInputOption(url.searchParams.get('valueInputOption'));
		if (typeof input !== 'string') return input;
		if (json.range !== undefined && json.range !== a1)
			return googleError(
				400,
				'INVALID_ARGUMENT',
				`Invalid ValueRange.range: ${String(json.range)} does not match the request range ${a1}.`,
			);
		const result = this.write(spreadsheet, a1, json.values, input, written);
		return 'status' in result ? result : this.answerWrite({ ...result });
	}

	private appendValues(
		spreadsheet: Spreadsheet,
		a1: string,
		url: URL,
		json: Record<string, unknown>,
		written: string[],
	): SheetsReply {
		const input = valueInputOption(url.searchParams.get('valueInputOption'));
		if (typeof input !== 'string') return input;
		const resolved = resolveRange(spreadsheet, a1);
		if ('status' in resolved) return resolved;
		const { sheet, box } = resolved;
		// The table is the data from the range's first row on; the new rows go after its last row.
		let last = box.top - 1;
		for (let r = box.top; r < sheet.rows.length; r++)
			if (sheet.rows[r]?.some((cell) => cell !== undefined && cell !== '')) last = r;
		const rows = Array.isArray(json.values) ? json.values.length : 0;
		const target = `${sheetRef(sheet.title)}!${columnLetters(box.left)}${last + 2}:${columnLetters(box.right)}${last + 1 + Math.max(rows, 1)}`;
		if (last + 1 + rows > sheet.rowCount) sheet.rowCount = last + 1 + rows; // append grows the grid
		const result = this.write(spreadsheet, target, json.values, input, written);
		if ('status' in result) return result;
		return this.answerWrite({
			spreadsheetId: spreadsheet.spreadsheetId,
			tableRange: boxA1(sheet, { ...box, bottom: Math.max(last, box.top) }),
			updates: result,
		});
	}

	private valuesBatchUpdate(
		spreadsheet: Spreadsheet,
		json: Record<string, unknown>,
		written: string[],
	): SheetsReply {
		const input = valueInputOption(
			typeof json.valueInputOption === 'string' ? json.valueInputOption : null,
		);
		if (typeof input !== 'string') return input;
		const data = Array.isArray(json.data) ? (json.data as Array<Record<string, unknown>>) : [];
		// Google checks every range before it writes any.
		for (const entry of data) {
			const resolved = resolveRange(spreadsheet, String(entry.range ?? ''));
			if ('status' in resolved) return resolved;
		}
		const responses: WriteResult[] = [];
		for (const entry of data) {
			const result = this.write(spreadsheet, String(entry.range), entry.values, input, written);
			if ('status' in result) return result;
			responses.push(result);
		}
		const sum = (key: 'updatedRows' | 'updatedColumns' | 'updatedCells') =>
			responses.reduce((total, response) => total + response[key], 0);
		return this.answerWrite({
			spreadsheetId: spreadsheet.spreadsheetId,
			totalUpdatedRows: sum('updatedRows'),
			totalUpdatedColumns: sum('updatedColumns'),
			totalUpdatedCells: sum('updatedCells'),
			totalUpdatedSheets: new Set(responses.map((r) => r.updatedRange.split('!')[0])).size,
			responses,
		});
	}

	private batchUpdate(
		spreadsheet: Spreadsheet,
		json: Record<string, unknown>,
		written: string[],
	): SheetsReply {
		const requests = Array.isArray(json.requests)
			? (json.requests as Array<Record<string, unknown>>)
			: [];
		if (requests.length === 0)
			return googleError(400, 'INVALID_ARGUMENT', 'Must specify at least one request.');
		const replies = [];
		for (const [index, request] of requests.entries()) {
			// proto3's JSON mapping takes an int32 as a number or a numeric string (n8n sends "0").
			const append = request.appendDimension as
				| { sheetId?: number | string; dimension?: string; length?: number | string }
				| undefined;
			if (!append)
				return googleError(
					501,
					'UNIMPLEMENTED',
					`The Google stand-in implements only appendDimension (requests[${index}]: ${Object.keys(request).join(', ')}).`,
				);
			const sheet = spreadsheet.sheets.find((s) => s.sheetId === Number(append.sheetId ?? 0));
			if (!sheet)
				return googleError(
					400,
					'INVALID_ARGUMENT',
					`Invalid requests[${index}].appendDimension: No grid with id: ${String(append.sheetId)}`,
				);
			const length = Number(append.length);
			if (!Number.isInteger(length) || length < 1)
				return googleError(
					400,
					'INVALID_ARGUMENT',
					`Invalid requests[${index}].appendDimension: length must be greater than 0`,
				);
			if (append.dimension === 'ROWS') sheet.rowCount += length;
			else if (append.dimension === 'COLUMNS') sheet.columnCount += length;
			else
				return googleError(
					400,
					'INVALID_ARGUMENT',
					`Invalid requests[${index}].appendDimension: dimension must be ROWS or COLUMNS`,
				);
			written.push(`${sheetRef(sheet.title)} +${length} ${append.dimension}`);
			replies.push({});
		}
		return { status: 200, json: { spreadsheetId: spreadsheet.spreadsheetId, replies } };
	}

	/** Writes values into a range; null cells are skipped, "" clears a cell (values.update's rules). */
	private write(
		spreadsheet: Spreadsheet,
		a1: string,
		values: unknown,
		input: 'RAW' | 'USER_ENTERED',
		written: string[],
	): SheetsReply | WriteResult {
		const resolved = resolveRange(spreadsheet, a1);
		if ('status' in resolved) return resolved;
		const { sheet, box } = resolved;
		const rows = Array.isArray(values) ? (values as unknown[][]) : [];
		for (const [r, row] of rows.entries()) {
			if (box.top + r > box.bottom)
				return googleError(
					400,
					'INVALID_ARGUMENT',
					`Requested writing within range [${a1}], but tried writing to row [${box.top + r + 1}]`,
				);
			if (Array.isArray(row) && box.left + row.length - 1 > box.right)
				return googleError(
					400,
					'INVALID_ARGUMENT',
					`Requested writing within range [${a1}], but tried writing to column [${columnLetters(box.left + row.length - 1)}]`,
				);
		}
		let cells = 0;
		let columns = 0;
		for (const [r, row] of rows.entries()) {
			if (!Array.isArray(row)) continue;
			const target = (sheet.rows[box.top + r] ??= []);
			for (const [c, value] of row.entries()) {
				if (value === null || value === undefined) continue;
				target[box.left + c] = stored(value, input);
				cells += 1;
				columns = Math.max(columns, c + 1);
			}
		}
		for (let r = 0; r < sheet.rows.length; r++) sheet.rows[r] ??= [];
		const updatedRange = boxA1(sheet, {
			...box,
			bottom: box.top + Math.max(rows.length, 1) - 1,
			right: box.left + Math.max(columns, 1) - 1,
		});
		written.push(updatedRange);
		return {
			spreadsheetId: spreadsheet.spreadsheetId,
			updatedRange,
			updatedRows: rows.length,
			updatedColumns: columns,
			updatedCells: cells,
		};
	}

	private answerWrite(json: unknown): SheetsReply {
		if (this.failNextWriteAfterApplying) {
			this.failNextWriteAfterApplying = false;
			return googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
		}
		return { status: 200, json };
	}
}

interface WriteResult {
	spreadsheetId: string;
	updatedRange: string;
	updatedRows: number;
	updatedColumns: number;
	updatedCells: number;
}

interface Box {
	top: number;
	bottom: number;
	left: number;
	right: number;
}

/** The sheet and the 0-based box a range covers, or Google's refusal. */
function resolveRange(
	spreadsheet: Spreadsheet,
	a1: string,
): { sheet: Sheet; box: Box } | SheetsReply {
	const range: GridRange | undefined = parseA1(a1);
	const sheet = range && spreadsheet.sheets.find((s) => s.title === range.sheet);
	if (!range || !sheet) return googleError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${a1}`);
	const box: Box = {
		top: range.startRow ?? 0,
		bottom: range.endRow ?? sheet.rowCount - 1,
		left: range.startColumn ?? 0,
		right: range.endColumn ?? sheet.columnCount - 1,
	};
	if (box.top > box.bottom || box.left > box.right)
		return googleError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${a1}`);
	if (box.bottom >= sheet.rowCount || box.right >= sheet.columnCount)
		return googleError(
			400,
			'INVALID_ARGUMENT',
			`Range (${boxA1(sheet, box)}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`,
		);
	return { sheet, box };
}

function boxA1(sheet: Sheet, box: Box): string {
	return `${sheetRef(sheet.title)}!${columnLetters(box.left)}${box.top + 1}:${columnLetters(box.right)}${box.bottom + 1}`;
}

function valueInputOption(value: string | null): 'RAW' | 'USER_ENTERED' | SheetsReply {
	if (value === 'RAW' || value === 'USER_ENTERED') return value;
	if (value === null)
		return googleError(400, 'INVALID_ARGUMENT', "'valueInputOption' is required but not specified");
	return googleError(
		400,
		'INVALID_ARGUMENT',
		`Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "${value}"`,
	);
}

/**
 * RAW stores what is sent. USER_ENTERED parses a string as if typed into a cell: here only decimal
 * numbers, with an optional sign, become numbers, so `07965318581` loses its 0 and `+919812345678`
 * its + as in Google Sheets. Dates, formulas, percentages and currency are outside the stand-in.
 */
function stored(value: unknown, input: 'RAW' | 'USER_ENTERED'): Cell {
	if (typeof value === 'number' || typeof value === 'boolean') return value;
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	if (input === 'USER_ENTERED' && /^[+-]?\d+(\.\d+)?$/.test(text) && text.length < 16)
		return Number(text);
	return text;
}

function formatted(cell: Cell | undefined): string {
	if (cell === undefined) return '';
	if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
	return String(cell);
}

/** Google leaves out trailing empty cells of each row and trailing empty rows. */
function trimRows<T extends Cell>(rows: T[][]): T[][] {
	const trimmed = rows.map((row) => {
		let end = row.length;
		while (end > 0 && (row[end - 1] === '' || row[end - 1] === undefined)) end -= 1;
		return row.slice(0, end);
	});
	while (trimmed.length > 0 && trimmed[trimmed.length - 1].length === 0) trimmed.pop();
	return trimmed;
}

function parseBody(body: string): Record<string, unknown> | undefined {
	if (body.trim() === '') return {};
	try {
		const value = JSON.parse(body) as unknown;
		return typeof value === 'object' && value !== null
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

export function googleError(code: number, status: string, message: string): SheetsReply {
	return { status: code, json: { error: { code, message, status } } };
}

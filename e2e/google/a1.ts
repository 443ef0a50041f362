/**
 * A1 notation as the Sheets API v4 reads it, for the ranges n8n's Google Sheets node sends:
 * `Calls!A:Z`, `Calls!B5`, `Calls!31:60`, `Calls!A1:K1`, `'My calls'!A:Z`, or a bare sheet name.
 * https://developers.google.com/workspace/sheets/api/guides/concepts#cell
 */

export interface GridRange {
	sheet: string;
	/** 0-based, inclusive; undefined = open (whole column / whole sheet). */
	startRow?: number;
	endRow?: number;
	startColumn?: number;
	endColumn?: number;
}

/** A1 range → grid range; undefined when Google would answer "Unable to parse range". */
export function parseA1(range: string): GridRange | undefined {
	const bang = range.lastIndexOf('!');
	const sheetPart = bang === -1 ? range : range.slice(0, bang);
	const cells = bang === -1 ? '' : range.slice(bang + 1);
	const sheet = unquote(sheetPart);
	if (!sheet) return undefined;
	if (cells === '') return { sheet };
	const [from, to = from, extra] = cells.split(':');
	if (extra !== undefined) return undefined;
	const start = parseCell(from);
	const end = parseCell(to);
	if (!start || !end) return undefined;
	// Both ends must be of the same kind: A:Z, 1:5 or A1:B2 (B5 alone is B5:B5).
	if ((start.row === undefined) !== (end.row === undefined)) return undefined;
	if ((start.column === undefined) !== (end.column === undefined)) return undefined;
	return {
		sheet,
		startRow: start.row,
		endRow: end.row,
		startColumn: start.column,
		endColumn: end.column,
	};
}

/** 0-based column index → letters (0 → A, 26 → AA). */
export function columnLetters(index: number): string {
	let letters = '';
	for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
		letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
	return letters;
}

/** The sheet name as Google writes it in a range: quoted when it is not a plain word. */
export function sheetRef(title: string): string {
	return /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) ? title : `'${title.replace(/'/g, "''")}'`;
}

function unquote(name: string): string {
	if (name.startsWith("'") && name.endsWith("'") && name.length >= 2)
		return name.slice(1, -1).replace(/''/g, "'");
	return name;
}

function parseCell(text: string): { row?: number; column?: number } | undefined {
	const match = /^([A-Za-z]{0,3})(\d{0,7})$/.exec(text);
	if (!match || text === '') return undefined;
	const [, letters, digits] = match;
	let column: number | undefined;
	if (letters) {
		column = 0;
		for (const char of letters.toUpperCase()) column = column * 26 + (char.charCodeAt(0) - 64);
		column -= 1;
	}
	const row = digits ? Number(digits) - 1 : undefined;
	if (row !== undefined && row < 0) return undefined;
	return { row, column };
}

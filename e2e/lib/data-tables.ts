/**
 * n8n 2.x data tables through the editor's REST API (routes read from n8n 2.41.1's
 * modules/data-table/data-table.controller.js), and the tables the example workflows write to.
 *
 *   GET  /rest/projects/personal                                  -> { id, … } (the owner's project)
 *   GET  /rest/projects/:projectId/data-tables?filter={"name":…}  -> { count, data: [{ id, name, columns }] }
 *   POST /rest/projects/:projectId/data-tables                    { name, columns: [{ name, type }] }
 *   GET  /rest/projects/:projectId/data-tables/:id/rows?take&skip -> { count, data: [row] } (take ≤ 250)
 *
 * Column types are string, number, boolean and date; every row also has id, createdAt and updatedAt.
 * Workflows find a table by name in their own project (the Data Table node's "By Name" mode matches
 * a part of the name, so no example table's name contains another's).
 */
import type { N8nRest } from './n8n-rest';

export type DataTableColumnType = 'string' | 'number' | 'boolean' | 'date';

export interface DataTableSpec {
	name: string;
	columns: Array<{ name: string; type: DataTableColumnType }>;
}

export interface DataTable {
	id: string;
	name: string;
	projectId?: string;
	columns: Array<{ id: string; name: string; type: DataTableColumnType; index: number }>;
}

export type DataTableRow = Record<string, unknown> & { id: number };

/** The columns of the spreadsheet examples (reconcile-calls-google-sheets.json, …-local-file.json). */
const CALL_COLUMNS: DataTableSpec['columns'] = [
	// The order the grid shows them in: what a call came to first, the details after.
	{ name: 'unique_id', type: 'string' },
	{ name: 'to_number', type: 'string' },
	{ name: 'status', type: 'string' },
	{ name: 'end_reason', type: 'string' },
	{ name: 'duration_sec', type: 'number' },
	{ name: 'reference_id', type: 'string' },
	{ name: 'created_at', type: 'string' },
	{ name: 'direction', type: 'string' },
	{ name: 'from_number', type: 'string' },
	{ name: 'campaign_id', type: 'number' },
	{ name: 'recorded_at', type: 'string' },
];

/** The id of examples/reconcile-calls-data-table.json, which `npm start` publishes. */
export const RECONCILE_TABLE_WORKFLOW_ID = 'avExReconcileTbl';

/** examples/reconcile-calls-data-table.json: one row per finished call, upserted by unique_id. */
export const CALLS_TABLE: DataTableSpec = { name: 'Agentive Voice calls', columns: CALL_COLUMNS };

/** examples/redial-unanswered.json: one row per call and redial, with the attempt and its outcome. */
export const REDIALS_TABLE: DataTableSpec = {
	name: 'Agentive Voice redials',
	columns: [
		...CALL_COLUMNS,
		{ name: 'attempt', type: 'number' },
		{ name: 'first_reference', type: 'string' },
		{ name: 'outcome', type: 'string' },
	],
};

/** The tables `npm start` and the tests create for the examples. */
export const EXAMPLE_DATA_TABLES: DataTableSpec[] = [CALLS_TABLE, REDIALS_TABLE];

const ROWS_PER_PAGE = 250;

export class DataTables {
	private projectId: string | undefined;

	constructor(private readonly rest: N8nRest) {}

	/** The logged-in user's personal project, where imported workflows live. */
	async personalProjectId(): Promise<string> {
		this.projectId ??= (
			await this.rest.request<{ id: string }>('GET', '/rest/projects/personal')
		).id;
		return this.projectId;
	}

	private async base(): Promise<string> {
		return `/rest/projects/${encodeURIComponent(await this.personalProjectId())}/data-tables`;
	}

	/** The table with exactly this name, if any. */
	async find(name: string): Promise<DataTable | undefined> {
		const result = await this.rest.request<{ count: number; data: DataTable[] }>(
			'GET',
			await this.base(),
			undefined,
			{ filter: JSON.stringify({ name }), take: ROWS_PER_PAGE },
		);
		return result.data.find((table) => table.name === name);
	}

	async create(spec: DataTableSpec): Promise<DataTable> {
		return await this.rest.request<DataTable>('POST', await this.base(), {
			name: spec.name,
			columns: spec.columns,
		});
	}

	/** Creates the table unless one of that name exists (its columns are then left as they are). */
	async ensure(spec: DataTableSpec): Promise<{ table: DataTable; created: boolean }> {
		const existing = await this.find(spec.name);
		if (existing) return { table: existing, created: false };
		return { table: await this.create(spec), created: true };
	}

	/** Every row, oldest first (the editor's grid pages through the same route). */
	async rows(tableId: string): Promise<DataTableRow[]> {
		const rows: DataTableRow[] = [];
		for (;;) {
			const page = await this.rest.request<{ count: number; data: DataTableRow[] }>(
				'GET',
				`${await this.base()}/${encodeURIComponent(tableId)}/rows`,
				undefined,
				{ take: ROWS_PER_PAGE, skip: rows.length, sortBy: 'id:asc' },
			);
			rows.push(...page.data);
			if (page.data.length === 0 || rows.length >= page.count) return rows;
		}
	}
}

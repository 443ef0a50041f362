/**
 * The rows of `npm run test:compat`: which n8n, on which Node, with which settings.
 * Rows 1-4 share the pinned runtime in e2e/n8n-runtime; rows 5-6 have their own folders in e2e/runtimes/.
 */
import { COMPAT_RUNTIMES, PINNED_RUNTIME, type RuntimeSpec } from '../lib/runtime';

export interface CompatRow {
	name: string;
	runtime: RuntimeSpec;
	/** Node the row runs on, for the report. */
	nodeLabel: string;
	/** Extra environment for n8n on this row. */
	env: Record<string, string>;
	/** Also run the trigger across a restart of n8n (calls finishing before, during and after it). */
	restart: boolean;
	/** Also check in n8n's database that the trigger's cursor is in the poller_state table. */
	cursorInDatabase?: boolean;
	why: string;
}

export const ROWS: CompatRow[] = [
	{
		name: 'n8n-2.41.1',
		runtime: PINNED_RUNTIME,
		nodeLabel: 'Node 24',
		env: {},
		restart: false,
		why: 'the pinned current line (npm start, test:e2e)',
	},
	{
		name: 'n8n-2.41.1-vm',
		runtime: PINNED_RUNTIME,
		nodeLabel: 'Node 24',
		env: { N8N_EXPRESSION_ENGINE: 'vm' },
		restart: false,
		why: 'the isolated-vm expression engine (n8n Cloud)',
	},
	{
		name: 'n8n-2.41.1-scheduler',
		runtime: PINNED_RUNTIME,
		nodeLabel: 'Node 24',
		env: { N8N_SCHEDULER_ENABLED: 'true', N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true' },
		restart: true,
		why: 'the durable scheduler for poll triggers, with a restart of n8n',
	},
	{
		name: 'n8n-2.41.1-durable-cursors',
		runtime: PINNED_RUNTIME,
		nodeLabel: 'Node 24',
		env: {
			N8N_SCHEDULER_ENABLED: 'true',
			N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
			N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
			N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
		},
		restart: true,
		cursorInDatabase: true,
		why: "durable poll cursors: the trigger's state in n8n's poller_state table, committed with each execution; with a restart of n8n",
	},
	{
		name: 'n8n-1.123.81',
		runtime: COMPAT_RUNTIMES['n8n-1.123.81'],
		nodeLabel: `Node ${process.versions.node.split('.')[0]} (machine)`,
		env: {},
		restart: false,
		why: 'the newest 1.x',
	},
	{
		name: 'n8n-1.88.0',
		runtime: COMPAT_RUNTIMES['n8n-1.88.0'],
		nodeLabel: `Node ${process.versions.node.split('.')[0]} (machine)`,
		env: {},
		restart: false,
		why: 'the floor: the oldest n8n in the registry whose n8n-workflow has NodeConnectionTypes',
	},
];

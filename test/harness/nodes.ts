/**
 * The node classes, loaded by their full .ts file names. `…/AgentiveVoice.node` is ambiguous:
 * beside AgentiveVoice.node.ts lies the codex AgentiveVoice.node.json, and under tsx (Node's own
 * resolution, which tries .json before the .ts that tsx adds) the import resolves to the codex,
 * while jest tries .ts first. A full file name is the same file for both, so the harness (and
 * bench/, which runs under tsx) needs no resolver hook. Shipped code is untouched.
 */
import path from 'node:path';

import type * as ActionNodeModule from '../../nodes/AgentiveVoice/AgentiveVoice.node';
import type * as TriggerNodeModule from '../../nodes/AgentiveVoiceTrigger/AgentiveVoiceTrigger.node';

const NODES_DIR = path.resolve(__dirname, '..', '..', 'nodes');

/* eslint-disable @typescript-eslint/no-require-imports -- `import` cannot name a .ts file (no allowImportingTsExtensions). */
const actionNode = require(
	path.join(NODES_DIR, 'AgentiveVoice', 'AgentiveVoice.node.ts'),
) as typeof ActionNodeModule;
const triggerNode = require(
	path.join(NODES_DIR, 'AgentiveVoiceTrigger', 'AgentiveVoiceTrigger.node.ts'),
) as typeof TriggerNodeModule;
/* eslint-enable @typescript-eslint/no-require-imports */

export const { AgentiveVoice } = actionNode;
export type AgentiveVoice = ActionNodeModule.AgentiveVoice;
export const { AgentiveVoiceTrigger } = triggerNode;
export type AgentiveVoiceTrigger = TriggerNodeModule.AgentiveVoiceTrigger;

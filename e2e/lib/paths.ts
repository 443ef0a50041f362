/** Well-known locations used by the e2e tooling and `npm start`. */
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const E2E_DIR = path.join(REPO_ROOT, 'e2e');
/** Pinned n8n + Node 24 runtime (own package.json / package-lock.json; node_modules is gitignored). */
export const RUNTIME_DIR = path.join(E2E_DIR, 'n8n-runtime');
export const RUNTIME_NODE_MODULES = path.join(RUNTIME_DIR, 'node_modules');
/** Scratch space: packed tarballs, n8n user folders, logs (gitignored). */
export const WORK_DIR = path.join(E2E_DIR, '.work');
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

export const PACKAGE_NAME = 'n8n-nodes-agentive-voice';
export const N8N_VERSION = '2.41.1';

/** Node type names as n8n sees them once the package is loaded. */
export const NODE_TYPES = {
	action: `${PACKAGE_NAME}.agentiveVoice`,
	trigger: `${PACKAGE_NAME}.agentiveVoiceTrigger`,
} as const;
export const CREDENTIAL_TYPE = 'agentiveVoiceApi';

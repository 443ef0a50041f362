/**
 * End-to-end tests against a real n8n 2.41.1 (e2e/n8n-runtime) with our packed package installed as a
 * community package, and the sandbox. Separate from the root jest config: `npm run test:e2e`.
 * The global setup builds + packs the package and installs the runtime on first use (~7 min).
 */
const path = require('node:path');

module.exports = {
	rootDir: path.resolve(__dirname, '..'),
	testEnvironment: 'node',
	roots: ['<rootDir>/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	// Never crawl the 3 GB runtime or the scratch folder.
	modulePathIgnorePatterns: [
		'<rootDir>/e2e/n8n-runtime/',
		'<rootDir>/e2e/runtimes/',
		'<rootDir>/e2e/\\.work/',
	],
	testPathIgnorePatterns: [
		'/node_modules/',
		'<rootDir>/e2e/n8n-runtime/',
		'<rootDir>/e2e/runtimes/',
		'<rootDir>/e2e/\\.work/',
	],
	watchPathIgnorePatterns: [
		'<rootDir>/e2e/n8n-runtime/',
		'<rootDir>/e2e/runtimes/',
		'<rootDir>/e2e/\\.work/',
	],
	haste: { forceNodeFilesystemAPI: true },
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/e2e/tsconfig.json' }],
	},
	globalSetup: '<rootDir>/e2e/global-setup.ts',
	// One n8n at a time: the machine has 2 cores.
	maxWorkers: 1,
	// Boot of sandbox + n8n happens in beforeAll; individual steps get long timeouts too.
	testTimeout: 300000,
	slowTestThreshold: 60,
};

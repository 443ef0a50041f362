/** Behaviour and conformance tests. Real HTTP on 127.0.0.1; each suite starts its own sandbox on port 0. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.tooling.json' }],
	},
	testTimeout: 60000,
	maxWorkers: 2,
};

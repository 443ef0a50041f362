/**
 * Under tsx, `import … from './AgentiveVoice.node'` resolves to the codex file
 * AgentiveVoice.node.json (Node tries .json before tsx's .ts), so the harness would get the codex
 * instead of the node class. Jest resolves .ts first and is unaffected. Imported first by run.ts.
 */
import Module from 'node:module';

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
const original = moduleWithResolver._resolveFilename;

moduleWithResolver._resolveFilename = function resolveNodeFiles(this: unknown, request: string, ...rest: unknown[]): string {
	if (request.endsWith('.node') && (request.startsWith('.') || request.startsWith('/'))) {
		try {
			return original.call(this, `${request}.ts`, ...rest);
		} catch {
			// Not a TypeScript node file: fall through to the normal resolution.
		}
	}
	return original.call(this, request, ...rest);
};

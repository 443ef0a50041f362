/**
 * The README is a contract with newcomers: short, the two commands first (CI runs them as written),
 * and every operation of the node named in its operations table. Links are checked by
 * `npm run lint:links`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodePropertyOptions } from 'n8n-workflow';

import { AgentiveVoice } from '../harness/nodes';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const lines = readme.split('\n');

/** The lines of the first fenced code block. */
function firstCodeBlock(): string[] {
	const start = lines.findIndex((line) => line.startsWith('```'));
	const end = lines.findIndex((line, index) => index > start && line.startsWith('```'));
	return lines.slice(start + 1, end);
}

/** [resource display name, operation display name] for every operation the node offers. */
function operations(): Array<[string, string]> {
	const { properties } = new AgentiveVoice().description;
	const resources = properties.find((property) => property.name === 'resource')
		?.options as INodePropertyOptions[];
	return resources.flatMap((resource) => {
		const selector = properties.find(
			(property) =>
				property.name === 'operation' &&
				property.displayOptions?.show?.resource?.includes(resource.value),
		);
		return ((selector?.options ?? []) as INodePropertyOptions[]).map(
			(operation): [string, string] => [resource.name, operation.name],
		);
	});
}

/** The cells of a Markdown table row, trimmed. */
const cells = (line: string) =>
	line
		.split('|')
		.slice(1, -1)
		.map((cell) => cell.trim());

describe('README', () => {
	it('stays within 350 lines', () => {
		expect(lines.length).toBeLessThanOrEqual(350);
	});

	it('opens with the two commands, as CI runs them', () => {
		const commands = firstCodeBlock().map((line) => line.replace(/#.*/, '').trim());
		expect(commands).toEqual(['npm ci && npm start', 'npm test']);
	});

	it('names every operation of the node in its operations table', () => {
		const rows = lines.filter((line) => line.startsWith('|')).map(cells);
		const found = operations().filter(([resource, operation]) =>
			rows.some((row) => row[0] === resource && row[1] === operation),
		);
		expect(operations()).toHaveLength(9);
		expect(found).toEqual(operations());
	});
});

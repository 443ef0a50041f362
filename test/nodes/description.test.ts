/** The node description: every operation reachable in the UI, and texts an AI agent can act on. */
import type { INodeProperties } from 'n8n-workflow';

import { AgentiveVoice } from '../harness/nodes';

const { description } = new AgentiveVoice();

const EXPECTED: Record<string, string[]> = {
	account: ['getBalance'],
	call: ['downloadRecording', 'getMany', 'getStatus', 'place'],
	campaign: ['getMany', 'trigger'],
	verification: ['sendCode', 'verifyCode'],
};

function operationsOf(resource: string): INodeProperties['options'] {
	const selector = description.properties.find(
		(property) =>
			property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resource),
	);
	return selector?.options ?? [];
}

describe('node description', () => {
	it('is usable as a tool', () => {
		expect(description.usableAsTool).toBe(true);
	});

	it.each(Object.entries(EXPECTED))(
		'resource %s offers exactly its operations, each with an action text',
		(resource, operations) => {
			const options = operationsOf(resource) as Array<{
				value: string;
				action?: string;
				description?: string;
			}>;
			expect(options.map((option) => option.value).sort()).toEqual(operations);
			for (const option of options) {
				expect(option.action).toMatch(/^[A-Z][a-z]+ .+/);
				expect(option.description?.length).toBeGreaterThan(15);
			}
		},
	);

	it('every field an agent may fill has a description (collections: each of their fields)', () => {
		const undocumented: string[] = [];
		const visit = (properties: INodeProperties[], path: string) => {
			for (const property of properties) {
				const name = `${path}${property.name}`;
				const container = ['notice', 'collection', 'fixedCollection'].includes(property.type);
				if (
					!container &&
					!['resource', 'operation'].includes(property.name) &&
					!property.description
				)
					undocumented.push(name);
				for (const option of property.options ?? []) {
					if ('values' in option) visit(option.values, `${name}.${option.name}.`);
					else if ('type' in option) visit([option as INodeProperties], `${name}.`);
				}
			}
		};
		visit(description.properties, '');
		expect(undocumented).toEqual([]);
	});
});

/**
 * Saved workflows store parameter names, types, defaults and option values: none may change.
 * The fixture was generated from main's build before the structural refactor (issue 10); to add
 * a field, add it to the fixture by hand, never regenerate it over a rename.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';

import { AgentiveVoice, AgentiveVoiceTrigger } from '../harness/nodes';

const FIXTURE = join(__dirname, 'fixtures', 'saved-parameters.json');

type Entry = { path: string; type: string; default: unknown; values?: unknown[]; show?: unknown };

function walk(properties: INodeProperties[], prefix: string, out: Entry[]): void {
	for (const property of properties) {
		const path = `${prefix}${property.name}`;
		const entry: Entry = { path, type: property.type, default: property.default ?? null };
		if (property.displayOptions?.show) entry.show = property.displayOptions.show;
		const options = (property.options ?? []) as Array<
			INodeProperties | INodePropertyOptions | INodePropertyCollection
		>;
		if (property.type === 'options' || property.type === 'multiOptions') {
			entry.values = (options as INodePropertyOptions[]).map((option) => option.value);
		}
		out.push(entry);
		for (const option of options) {
			if ('values' in option) walk(option.values, `${path}.${option.name}.`, out);
			else if ('type' in option) walk([option], `${path}.`, out);
		}
	}
}

/** JSON with sorted keys, so the order in which a description lists its keys does not matter. */
function stable(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
			a.localeCompare(b),
		);
		return `{${entries.map(([name, inner]) => `${JSON.stringify(name)}:${stable(inner)}`).join(',')}}`;
	}
	return String(JSON.stringify(value));
}

function snapshot(): Record<string, Entry[]> {
	const result: Record<string, Entry[]> = {};
	for (const node of [new AgentiveVoice(), new AgentiveVoiceTrigger()]) {
		const entries: Entry[] = [];
		walk(node.description.properties, '', entries);
		// Fields with one name exist once per operation: order them by path, then by where they show.
		const key = (entry: Entry) => `${entry.path} ${stable(entry.show)}`;
		entries.sort((a, b) => key(a).localeCompare(key(b)));
		result[node.description.name] = entries;
	}
	return JSON.parse(JSON.stringify(result)) as Record<string, Entry[]>;
}

describe('saved parameters', () => {
	it('keeps every parameter name, type, default, option value and where it shows', () => {
		if (process.env.WRITE_SAVED_PARAMETERS === '1')
			writeFileSync(FIXTURE, `${JSON.stringify(snapshot(), null, '\t')}\n`);
		const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Entry[]>;
		expect(snapshot()).toEqual(expected);
	});
});

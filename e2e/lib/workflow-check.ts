/**
 * Checks a workflow file against the node types a running n8n serves (/types/nodes.json), the way the
 * editor flags nodes: unknown type or version, parameter issues from n8n-workflow's
 * NodeHelpers.getNodeParametersIssues (a required parameter that is missing or empty), and a fixed
 * value of a top-level options parameter (resource, operation, …) that is not one of its options.
 * The repository's n8n-workflow is the same version as the runtime's (2.41.0).
 */
import {
	NodeHelpers,
	type INode,
	type INodeParameters,
	type INodeTypeDescription,
} from 'n8n-workflow';
import type { WorkflowImport } from './n8n';
import type { NodeTypeDescription } from './n8n-rest';

function versions(description: NodeTypeDescription): number[] {
	return Array.isArray(description.version) ? description.version : [description.version];
}

/** One line per problem: `<node>: <problem>`. Empty when the editor would show no warning. */
export function workflowIssues(
	workflow: WorkflowImport,
	nodeTypes: NodeTypeDescription[],
): string[] {
	const problems: string[] = [];
	for (const raw of workflow.nodes) {
		const node = raw as unknown as INode;
		const candidates = nodeTypes.filter((type) => type.name === node.type);
		if (candidates.length === 0) {
			problems.push(`${node.name}: unknown node type ${node.type}`);
			continue;
		}
		const description = candidates.find((type) =>
			versions(type).includes(node.typeVersion),
		) as unknown as INodeTypeDescription | undefined;
		if (!description) {
			problems.push(
				`${node.name}: ${node.type} has no version ${node.typeVersion} (n8n has ${candidates.flatMap(versions).join(', ')})`,
			);
			continue;
		}
		// As the editor does: fill in defaults for what the file leaves out, then look for issues.
		const parameters = NodeHelpers.getNodeParameters(
			description.properties,
			node.parameters,
			true,
			false,
			node,
			description,
		);
		const issues = NodeHelpers.getNodeParametersIssues(
			description.properties,
			{ ...node, parameters: parameters ?? {} },
			description,
		);
		for (const [parameter, messages] of Object.entries(issues?.parameters ?? {})) {
			problems.push(`${node.name}: ${parameter}: ${messages.join('; ')}`);
		}
		problems.push(
			...unknownOptionValues(node, parameters ?? {}, description).map(
				(problem) => `${node.name}: ${problem}`,
			),
		);
	}
	return problems;
}

/** Top-level options parameters shown for these values whose fixed value is not one of the options. */
function unknownOptionValues(
	node: INode,
	parameters: INodeParameters,
	description: INodeTypeDescription,
): string[] {
	const problems: string[] = [];
	for (const [name, value] of Object.entries(parameters)) {
		if (typeof value !== 'string' || value.startsWith('=')) continue;
		const shown = description.properties.filter(
			(property) =>
				property.name === name &&
				property.type === 'options' &&
				NodeHelpers.displayParameter(parameters, property, node, description),
		);
		if (shown.length === 0 || shown.some((property) => property.typeOptions?.loadOptionsMethod))
			continue;
		const allowed = shown.flatMap((property) =>
			(property.options ?? []).map((option) => ('value' in option ? option.value : undefined)),
		);
		if (!allowed.includes(value))
			problems.push(
				`${name}: "${value}" is not one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
			);
	}
	return problems;
}

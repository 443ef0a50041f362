import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account/Account.resource';
import * as call from './actions/call/Call.resource';
import * as campaign from './actions/campaign/Campaign.resource';
import { router } from './actions/router';
import * as verification from './actions/verification/Verification.resource';
import { listSearch } from './methods';

export class AgentiveVoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agentive Voice',
		name: 'agentiveVoice',
		icon: {
			light: 'file:../shared/agentiveVoice.svg',
			dark: 'file:../shared/agentiveVoice.dark.svg',
		},
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Place voice calls, send and verify voice OTPs, trigger saved campaigns and read call results with the Agentive Voice API',
		defaults: { name: 'Agentive Voice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agentiveVoiceApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Call', value: 'call' },
					{ name: 'Campaign', value: 'campaign' },
					{ name: 'Verification', value: 'verification' },
				],
				default: 'call',
			},
			...call.description,
			...campaign.description,
			...verification.description,
			...account.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Read here, where n8n's require-continue-on-fail rule looks; the router applies it per item.
		return await router.call(this, this.continueOnFail());
	}
}

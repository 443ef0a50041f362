/**
 * Seeded demo data. Deterministic and stable across runs so docs, tests and workflows can name it.
 * Keys follow the live format: pk_live_/sk_live_ + 32 characters.
 */

export interface AudioClip {
	id: number;
	name: string;
}

/** `ai_agent` is a dashboard-only type: it exists so the trigger endpoint has a campaign it cannot run for one number. */
export type CampaignType = 'audio_blast' | 'press1' | 'otp' | 'ai_agent';

export interface CampaignFixture {
	id: number;
	name: string;
	type: CampaignType;
	status: string;
	audioId: number | null;
	dtmfMap?: Record<string, string>;
}

export interface AccountFixture {
	id: string;
	name: string;
	apiKey: string;
	apiSecret: string;
	active: boolean;
	apiEnabled: boolean;
	balanceInr: number;
	audio: AudioClip[];
	/** The first is the account default. */
	callerIds: string[];
	campaigns: CampaignFixture[];
}

export const DEMO_ACCOUNT: AccountFixture = {
	id: 'acct_demo',
	name: 'Sandbox Demo',
	apiKey: 'pk_live_sandboxdemo000000000000000000001',
	apiSecret: 'sk_live_sandboxdemo000000000000000000001',
	active: true,
	apiEnabled: true,
	balanceInr: 1842.5,
	audio: [
		{ id: 12, name: 'Order confirmation' },
		{ id: 18, name: 'March promo' },
		{ id: 25, name: 'Renewal reminder' },
	],
	callerIds: ['07965318581', '08041234567'],
	campaigns: [
		{ id: 57, name: 'March promo', type: 'audio_blast', status: 'active', audioId: 18 },
		{
			id: 61,
			name: 'Renewal press-1',
			type: 'press1',
			status: 'active',
			audioId: 25,
			dtmfMap: { '1': 'connect_agent', '2': 'callback' },
		},
		{ id: 72, name: 'Signup verification', type: 'otp', status: 'active', audioId: null },
		{
			id: 80,
			name: 'Draft blast (no audio yet)',
			type: 'audio_blast',
			status: 'draft',
			audioId: null,
		},
		{ id: 88, name: 'AI agent outreach', type: 'ai_agent', status: 'active', audioId: null },
	],
};

/** A second, healthy account: proves that data, limits and ids never leak between accounts. */
export const OTHER_ACCOUNT: AccountFixture = {
	id: 'acct_other',
	name: 'Other Tenant',
	apiKey: 'pk_live_sandboxother00000000000000000002',
	apiSecret: 'sk_live_sandboxother00000000000000000002',
	active: true,
	apiEnabled: true,
	balanceInr: 500,
	audio: [{ id: 31, name: 'Other tenant clip' }],
	callerIds: ['02212345678'],
	campaigns: [
		{ id: 90, name: 'Other tenant promo', type: 'audio_blast', status: 'active', audioId: 31 },
	],
};

/** Correct secret, but the account is suspended: 403 "This account is not active…". */
export const INACTIVE_ACCOUNT: AccountFixture = {
	...emptyAccount('acct_inactive', 'Inactive Account'),
	apiKey: 'pk_live_sandboxinactive00000000000000003',
	apiSecret: 'sk_live_sandboxinactive00000000000000003',
	active: false,
};

/** Correct secret, active, but API access is switched off: 403 "The API is not enabled…". */
export const API_DISABLED_ACCOUNT: AccountFixture = {
	...emptyAccount('acct_noapi', 'API Disabled Account'),
	apiKey: 'pk_live_sandboxnoapi00000000000000000004',
	apiSecret: 'sk_live_sandboxnoapi00000000000000000004',
	apiEnabled: false,
};

export const ACCOUNTS: readonly AccountFixture[] = [
	DEMO_ACCOUNT,
	OTHER_ACCOUNT,
	INACTIVE_ACCOUNT,
	API_DISABLED_ACCOUNT,
];

/** Named ids of the demo account, for tests and docs. */
export const DEMO = {
	audioIds: { orderConfirmation: 12, marchPromo: 18, renewalReminder: 25 },
	otherAccountAudioId: 31,
	callerIds: { default: '07965318581', secondary: '08041234567' },
	campaigns: { audioBlast: 57, press1: 61, otp: 72, noAudio: 80, notSingleNumber: 88 },
	otherAccountCampaignId: 90,
} as const;

/**
 * Recipient numbers with fixed outcomes (Stripe test-card style). Any other valid number is
 * answered and completes after a duration derived from its last four digits.
 */
export const MAGIC_NUMBERS = {
	answered: '9000000001',
	noAnswer: '9000000002',
	busy: '9000000003',
	rejected: '9000000004',
	failed: '9000000005',
	placementError: '9000000006',
	noRecording: '9000000007',
	longCall: '9000000008',
	canceled: '9000000009',
} as const;

function emptyAccount(id: string, name: string): AccountFixture {
	return {
		id,
		name,
		apiKey: '',
		apiSecret: '',
		active: true,
		apiEnabled: true,
		balanceInr: 0,
		audio: [],
		callerIds: ['07900000000'],
		campaigns: [],
	};
}

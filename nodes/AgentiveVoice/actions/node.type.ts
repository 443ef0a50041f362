/** Resource → operation names. A missing case in the router's map is a compile error. */
export type AgentiveVoiceMap = {
	account: 'getBalance';
};

export type AgentiveVoiceResource = keyof AgentiveVoiceMap;

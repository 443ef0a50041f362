/** Resource → operation names. A missing case in the router's map is a compile error. */
export type AgentiveVoiceMap = {
	account: 'getBalance';
	call: 'downloadRecording' | 'getMany' | 'getStatus' | 'place';
	campaign: 'getMany' | 'trigger';
	verification: 'sendCode' | 'verifyCode';
};

export type AgentiveVoiceResource = keyof AgentiveVoiceMap;

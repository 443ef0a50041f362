/**
 * The demo model `npm start` runs for examples/ai-phone-verification-agent.json: a few fixed rules that
 * behave like a model following the example's system prompt, so a newcomer can chat at once without an
 * OpenAI account.
 *
 *   a message with a phone number      -> Send_Code { number }
 *   a message with a 4-8 digit code     -> Verify_Code { request_id, code }   (after a code was sent)
 *   "status" / "no call" / "not received" -> Get_Call_Status { request_id }
 *   a tool result                        -> a sentence about it (with the request ID, which the agent's
 *                                           memory keeps for the next turn)
 *
 * Nobody is really called by the sandbox: after Send Code, the reply points at the sandbox page that
 * shows the code (/__sandbox/otp/<request_id>).
 */
import {
	conversationText,
	firstItem,
	lastUserText,
	pendingToolResult,
	toolResults,
} from './script';
import type { ModelRequest, Responder, Turn } from './types';

export const DEMO_TOOLS = {
	send: 'Send_Code',
	verify: 'Verify_Code',
	status: 'Get_Call_Status',
} as const;

export interface DemoOptions {
	/** The sandbox origin (http://127.0.0.1:8787), for the link to the code; read at each answer. */
	sandboxOrigin?: () => string | undefined;
}

const REQUEST_ID = /Request ID: ([A-Za-z0-9_-]{6,128})/g;

/** The request_id of the last code sent: from Send_Code's result (n8n's memory keeps tool results), or an answer. */
function lastRequestId(request: ModelRequest): string | undefined {
	const sent = toolResults(request)
		.filter((result) => result.call.name === DEMO_TOOLS.send)
		.map((result) => firstItem(result)?.request_id)
		.filter((id): id is string => typeof id === 'string');
	if (sent.length > 0) return sent[sent.length - 1];
	const found = [
		...conversationText(request.messages.filter((m) => m.role === 'assistant')).matchAll(
			REQUEST_ID,
		),
	];
	return found.length > 0 ? found[found.length - 1][1] : undefined;
}

/** A phone number as typed: 10 or more digits, possibly with +, spaces, dashes, dots or brackets. */
function phoneNumberIn(text: string): string | undefined {
	for (const match of text.matchAll(/\+?\d[\d\s().-]*\d/g)) {
		if (match[0].replace(/\D/g, '').length >= 10) return match[0].trim();
	}
	return undefined;
}

function call(name: string, args: Record<string, unknown>): Turn {
	return { toolCalls: [{ name, arguments: args }] };
}

function describeToolResult(request: ModelRequest, options: DemoOptions): Turn | undefined {
	const result = pendingToolResult(request);
	if (!result) return undefined;
	const item = firstItem(result) ?? {};
	const error = typeof item.error === 'string' ? item.error : undefined;
	switch (result.call.name) {
		case DEMO_TOOLS.send: {
			if (error)
				return {
					text: `I could not call that number. ${error}. Which Indian mobile number should I call?`,
				};
			const requestId = String(item.request_id ?? item.unique_id ?? '');
			const origin = options.sandboxOrigin?.();
			const hint = origin
				? `\n\n(Sandbox: nobody is really called. The code is shown at ${origin}/__sandbox/otp/${requestId})`
				: '';
			return {
				text: `I have just called ${String(result.call.arguments.number)} and read out a code. Please type the code you heard. Request ID: ${requestId}.${hint}`,
			};
		}
		case DEMO_TOOLS.verify: {
			if (error)
				return { text: `I could not check that code. ${error}. Please type the digits you heard.` };
			if (item.verified === true) return { text: 'Thank you: the number is verified.' };
			const left = typeof item.attempts_left === 'number' ? item.attempts_left : undefined;
			if (
				left === 0 ||
				item.reason === 'too_many_attempts' ||
				item.reason === 'expired' ||
				item.reason === 'already_used'
			) {
				return {
					text: `That code was not accepted (${String(item.reason)}). Send me the number again and I will call with a new code.`,
				};
			}
			return {
				text: `That code did not match (${String(item.reason)}). Attempts left: ${left ?? 'unknown'}. Please try again. Request ID: ${String(result.call.arguments.request_id)}.`,
			};
		}
		case DEMO_TOOLS.status: {
			if (error) return { text: `I could not look the call up. ${error}.` };
			return {
				text: `The verification call is ${String(item.call_status ?? item.status)}. Request ID: ${String(result.call.arguments.request_id)}.`,
			};
		}
		default:
			return { text: `The tool ${result.call.name} answered: ${result.content}` };
	}
}

export function demoResponder(options: DemoOptions = {}): Responder {
	return (request) => {
		const answer = describeToolResult(request, options);
		if (answer) return answer;

		const said = lastUserText(request);
		const requestId = lastRequestId(request);
		const number = phoneNumberIn(said);
		if (number) return call(DEMO_TOOLS.send, { number });
		if (
			requestId &&
			/\b(status|no call|not received|didn't get|did not get|happened)\b/i.test(said)
		) {
			return call(DEMO_TOOLS.status, { request_id: requestId });
		}
		const code = /(?:^|\D)(\d{4,8})(?!\d)/.exec(said)?.[1];
		if (requestId && code) return call(DEMO_TOOLS.verify, { request_id: requestId, code });
		const digits = /\+?\d[\d\s-]*/.exec(said)?.[0].trim();
		if (digits) return call(DEMO_TOOLS.send, { number: digits }); // let the tool say what is wrong with it
		return {
			text: 'Hello! I can verify an Indian mobile number with a voice call that reads out a code. Which number should I verify?',
		};
	};
}

/**
 * README screenshot of the AI-agent example (examples/ai-phone-verification-agent.json): a verified
 * conversation typed in the editor's chat, beside the workflow on the canvas. The stack must run the
 * scripted demo model with its credential (scripts/screenshots.ts does, as `npm start` does); its
 * first answer links the sandbox page with the spoken code, which this scene reads like a tester would.
 */
import * as path from 'node:path';
import { AGENT_WORKFLOW_ID } from './ai-agent';
import { closeToasts, dismissPopups } from './browser';
import type { Scene } from './editor-screenshots';

export const aiAgentChatScene: Scene = {
	file: 'ai-agent-chat.png',
	what: "the AI-agent example on the canvas, verifying a number in the editor's chat (scripted demo model)",
	async capture(ctx) {
		const page = ctx.page;
		await page.goto(`${ctx.baseUrl}/workflow/${AGENT_WORKFLOW_ID}`);
		await page.getByTestId('canvas-node').first().waitFor({ timeout: 60_000 });
		await page.waitForTimeout(800);
		await dismissPopups(page);
		const checklist = page.getByText('Production Checklist', { exact: true });
		if (await checklist.isVisible().catch(() => false)) await page.keyboard.press('Escape');

		// The hosted chat page loads n8n's chat widget from a CDN (offline here); the editor's chat is built in.
		await page.getByTestId('workflow-chat-button').click();
		const input = page
			.locator('textarea[data-test-id="chat-input"], [data-test-id="chat-input"] textarea')
			.first();
		await input.waitFor({ timeout: 30_000 });

		const say = async (text: string, expected: RegExp): Promise<string> => {
			await input.fill(text);
			await input.press('Enter');
			const deadline = Date.now() + 180_000;
			for (;;) {
				const match = expected.exec(await page.locator('body').innerText());
				if (match) return match[0];
				if (Date.now() > deadline)
					throw new Error(`No answer matching ${expected} within 3 minutes.`);
				await page.waitForTimeout(500);
			}
		};

		const link = await say(
			'Hi! Please verify my number 98123 45678',
			/http:\/\/127\.0\.0\.1:\d+\/__sandbox\/otp\/[A-Za-z0-9_-]+/,
		);
		const otp = (await (await fetch(link)).json()) as { code: string };
		await say(`The code is ${otp.code}`, /the number is verified/);
		await closeToasts(page);
		await page.getByTestId('zoom-to-fit').click(); // the whole workflow above the chat panel
		await page.mouse.move(5, 5);
		await page.waitForTimeout(800);
		await page.screenshot({ path: path.join(ctx.outDir, this.file), animations: 'disabled' });
	},
};

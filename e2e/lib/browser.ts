/**
 * Headless Chromium (the system's, e.g. Debian's `apt-get install chromium`) driven by playwright-core,
 * for looking at the real n8n editor: launch, log in as the owner, clear n8n's pop-ups.
 */
import * as fs from 'node:fs';
import { chromium, selectors, type Browser, type Page } from 'playwright-core';
import type { OwnerAccount } from './n8n-rest';

/** Where distributions install Chromium; CHROMIUM_PATH overrides. */
const CHROMIUM_CANDIDATES = [
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome',
	'/usr/bin/google-chrome-stable',
];

/**
 * Offline-friendly flags: without the background-networking ones Chromium keeps dialling Google
 * services, and a closed network refuses those connections.
 */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export function findChromium(): string {
	const override = process.env.CHROMIUM_PATH;
	if (override) {
		if (!fs.existsSync(override)) throw new Error(`CHROMIUM_PATH=${override} does not exist.`);
		return override;
	}
	const found = CHROMIUM_CANDIDATES.find((candidate) => fs.existsSync(candidate));
	if (!found) {
		throw new Error(
			`No Chromium found (looked for ${CHROMIUM_CANDIDATES.join(', ')}). Install it with \`sudo apt-get install chromium\` or set CHROMIUM_PATH.`,
		);
	}
	return found;
}

export async function launchChromium(): Promise<Browser> {
	// n8n marks its elements with data-test-id (not Playwright's default data-testid).
	selectors.setTestIdAttribute('data-test-id');
	return await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
}

/** Log in through the sign-in form, as a person would (the session cookie is bound to the browser). */
export async function logInAsOwner(
	page: Page,
	baseUrl: string,
	owner: OwnerAccount,
): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	await page.locator('#emailOrLdapLoginId').fill(owner.email);
	await page.locator('#password').fill(owner.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
}

/** Close whatever n8n pops up over the editor: banners, surveys, tours, the production checklist. */
export async function dismissPopups(page: Page): Promise<void> {
	await page.keyboard.press('Escape');
	const closers = page.locator(
		[
			'[data-test-id^="banner-"][data-test-id$="-close"]',
			'[data-test-id="nps-survey-modal"] [aria-label="Close"]',
			'[data-test-id="close-chat-button"]',
			'[data-test-id="consent-close-button"]',
			'[role="dialog"] [aria-label="Close this dialog"]',
			'[data-test-id="dialog-close-button"]',
		].join(', '),
	);
	for (const closer of await closers.all()) {
		if (await closer.isVisible().catch(() => false))
			await closer.click({ timeout: 2000 }).catch(() => undefined);
	}
	await closeToasts(page);
}

/** Close n8n's toasts ("Node executed successfully", …) and wait until they have faded out. */
export async function closeToasts(page: Page): Promise<void> {
	for (const button of await page.locator('.el-notification .el-notification__closeBtn').all()) {
		await button.click({ timeout: 2000 }).catch(() => undefined);
	}
	await page
		.locator('.el-notification')
		.first()
		.waitFor({ state: 'hidden', timeout: 5000 })
		.catch(() => undefined);
}

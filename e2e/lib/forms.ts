/**
 * Drives n8n 2.41.1 forms over HTTP the way the browser page does (templates/form-trigger.handlebars,
 * form-trigger-completion.handlebars; nodes/Form in n8n-nodes-base):
 *
 *   GET  /form/<path>                          the Form Trigger's first page (workflow must be published)
 *   POST /form/<path>   multipart field-0..N   starts an execution; with a next page n8n answers
 *                                              { formWaitingUrl: ".../form-waiting/<execution>?signature=…" }
 *   GET  <formWaitingUrl path>/n8n-execution-status?signature=…   "form-waiting" once the next Form node
 *                                              waits; else the execution status ("running", "success", …)
 *   GET  <formWaitingUrl>                      the waiting Form node's page (a form page or a completion page)
 *   POST <formWaitingUrl>  multipart           submits a form page (resumes the execution)
 *   POST <formWaitingUrl>  (empty)             what a completion page posts on load: finishes the execution
 *
 * Inputs are named field-<index> in the order of the node's form fields; n8n only accepts
 * multipart/form-data. The signature is the execution's resume token and stays the same for every page.
 */
import { sleep } from './proc';

export interface FormPage {
	status: number;
	html: string;
	/** The page's <h1>. */
	title: string;
	/** The text under the title (form pages) or the completion message (completion pages). */
	text: string;
	/** Input names (field-0, …) of a form page; empty on a completion page. */
	fields: string[];
	/** A completion ("Form Ending") page rather than a page with inputs. */
	completion: boolean;
}

export interface FormSubmission {
	status: number;
	/** The resume URL of the execution (with its signature), when n8n continues with another page. */
	formWaitingUrl?: string;
	executionId?: string;
	body: string;
}

const TERMINAL = new Set(['success', 'error', 'crashed', 'canceled']);

export class FormClient {
	constructor(readonly baseUrl: string) {}

	/** GET /form/<path>. */
	async openTrigger(formPath: string): Promise<FormPage> {
		return await this.getPage(`${this.baseUrl}/form/${formPath}`);
	}

	/** POST /form/<path> as the page's submit handler does. */
	async submitTrigger(formPath: string, values: string[]): Promise<FormSubmission> {
		return await this.post(`${this.baseUrl}/form/${formPath}`, multipart(values));
	}

	/** GET a page (form or completion). */
	async getPage(url: string): Promise<FormPage> {
		const response = await fetch(url, { redirect: 'manual' });
		return parsePage(response.status, await response.text());
	}

	/** Submit the inputs of the waiting form page, in order (field-0, field-1, …). */
	async submitPage(formWaitingUrl: string, values: string[]): Promise<FormSubmission> {
		return await this.post(formWaitingUrl, multipart(values));
	}

	/** The POST a completion page sends when it loads; it lets the execution finish. */
	async acknowledgeCompletion(formWaitingUrl: string): Promise<FormSubmission> {
		return await this.post(formWaitingUrl, undefined);
	}

	/** Status as the page polls it: "form-waiting" while a Form node waits for the visitor. */
	async executionStatus(formWaitingUrl: string): Promise<string> {
		const url = new URL(formWaitingUrl);
		url.pathname = `${url.pathname}/n8n-execution-status`;
		const response = await fetch(url, { redirect: 'manual' });
		return (await response.text()).trim();
	}

	/**
	 * Poll the execution status like the page does until a Form node waits ("form-waiting") or the
	 * execution has ended; resolves with that status.
	 */
	async waitForNextPage(formWaitingUrl: string, timeoutMs = 60_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const status = await this.executionStatus(formWaitingUrl);
			if (status === 'form-waiting' || TERMINAL.has(status)) return status;
			if (Date.now() > deadline)
				throw new Error(`No next form page within ${timeoutMs} ms (status "${status}").`);
			await sleep(250);
		}
	}

	private async post(url: string, body: FormData | undefined): Promise<FormSubmission> {
		const response = await fetch(url, { method: 'POST', body, redirect: 'manual' });
		const text = await response.text();
		let formWaitingUrl: string | undefined;
		try {
			formWaitingUrl = (JSON.parse(text) as { formWaitingUrl?: string }).formWaitingUrl;
		} catch {
			// not JSON: a plain response
		}
		const executionId = formWaitingUrl
			? new URL(formWaitingUrl).pathname.split('/').pop()
			: undefined;
		return { status: response.status, formWaitingUrl, executionId, body: text };
	}
}

function multipart(values: string[]): FormData {
	const data = new FormData();
	values.forEach((value, index) => data.append(`field-${index}`, value));
	return data;
}

const ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
};

/** Text of an HTML fragment: entities decoded, whitespace collapsed. */
function decode(text: string): string {
	return text
		.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
			if (name.startsWith('#x') || name.startsWith('#X'))
				return String.fromCodePoint(parseInt(name.slice(2), 16));
			if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
			return ENTITIES[name.toLowerCase()] ?? entity;
		})
		.replace(/\s+/g, ' ')
		.trim();
}

/** Title, text and inputs of a rendered n8n form or completion page. */
export function parsePage(status: number, html: string): FormPage {
	const title = decode(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? '');
	const fields = [
		...html.matchAll(/<(?:input|textarea|select)[^>]*\bname=['"](field-\d+)['"]/g),
	].map((match) => match[1]);
	const completion = fields.length === 0 && !/id=['"]n8n-form['"]/.test(html);
	// Both page kinds put their text in the first <p> after the <h1>.
	const textMatch = /<\/h1>\s*<p[^>]*>([\s\S]*?)<\/p>/.exec(html);
	const text = decode((textMatch?.[1] ?? '').replace(/<[^>]+>/g, ' '));
	return { status, html, title, text, fields: [...new Set(fields)], completion };
}

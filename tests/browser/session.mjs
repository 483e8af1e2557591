// What every portal test opens with: its settings from the environment
// (a missing one fails at once, not as a blank field later), Chromium
// with the artifacts directory made, a page that reports every problem,
// the login form, and screenshots where the integration test looks.
import { mkdirSync } from 'node:fs';
import { launchChromium } from './chromium.mjs';

export const env = (k) => {
	if (!process.env[k])
		throw new Error(`${k} is not set`);
	return process.env[k];
};
export const ART = process.env.GUREUM_ARTIFACTS || 'tests/artifacts';

// openBrowser: Chromium, with ART there for the screenshots.
export function openBrowser() {
	mkdirSync(ART, { recursive: true });
	return launchChromium();
}

// watch(page, problems, opts): console errors (but those matching
// opts.expected: the 4xx a test asks for), page errors and, unless
// opts.csp is false, CSP violations go into problems; a dialog is
// dismissed, its message into opts.dialogs if given, else a problem.
export async function watch(page, problems, opts = {}) {
	page.on('console', (m) => {
		if (m.type() === 'error' && !opts.expected?.test(m.text()))
			problems.push(`console: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('dialog', (d) => {
		if (opts.dialogs)
			opts.dialogs.push(d.message());
		else
			problems.push(`dialog: ${d.message()}`);
		d.dismiss();
	});
	if (opts.csp === false)
		return;
	// Reported to the test through a binding, not a script in the page.
	await page.exposeBinding('reportViolation', (_src, what) =>
	    problems.push(`CSP violation: ${what}`));
	await page.addInitScript(() => document.addEventListener(
	    'securitypolicyviolation', (e) => window.reportViolation(
	    `${e.violatedDirective} ${e.blockedURI}`)));
}

// fillLogin(page, [project, user, password]): the login form filled
// (by default with GUREUM_PROJECT, GUREUM_USER, GUREUM_PASSWORD) and
// submitted; what the page shows next is the caller's to wait for.
export async function fillLogin(page, project = env('GUREUM_PROJECT'),
    user = env('GUREUM_USER'), password = env('GUREUM_PASSWORD')) {
	await page.getByLabel('Project').fill(project);
	await page.getByLabel('User name').fill(user);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
}

// shooter(getPage, [prefix]): shot(name, [page]), a full-page
// screenshot ART/<prefix><name>.png of the test's current page.
export const shooter = (getPage, prefix = '') =>
    (name, p = getPage()) => p.screenshot({
    path: `${ART}/${prefix}${name}.png`, fullPage: true });

// The session token the page keeps (undefined when logged out).
export const storedToken = (page) => page.evaluate(() =>
    JSON.parse(sessionStorage.getItem('gureum.session') || 'null')?.token);

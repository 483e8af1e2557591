// The portal's shell: the login form while there is no session, else the
// navigation bar, the user and the current page (by the URL's fragment,
// #/instances). It holds no state of the cloud's; pages fetch their own.
import { currentSession, EXPIRED, logout, onSessionChange } from
    './lib/api.mjs';
import { html, render, useEffect, useState } from './lib/ui.mjs';
import { LoginPage } from './pages/login.mjs';
import { pages } from './pages/index.mjs';

function useFragment() {
	const [path, setPath] = useState(location.hash.slice(1));
	useEffect(() => {
		const changed = () => setPath(location.hash.slice(1));
		addEventListener('hashchange', changed);
		return () => removeEventListener('hashchange', changed);
	}, []);
	return path;
}

const WARN_MS = 5 * 60 * 1000;	// before the token's expiry

// A sentence once the session has less than WARN_MS left, else null.
function useExpiryWarning(expiresAt) {
	const [warn, setWarn] = useState(null);
	useEffect(() => {
		const end = Date.parse(expiresAt);
		if (Number.isNaN(end))
			return undefined;
		const say = () => setWarn('Your session ends at ' +
		    new Date(end).toLocaleTimeString() +
		    '; log out and in again to keep working.');
		const left = end - Date.now() - WARN_MS;
		if (left <= 0) {
			say();
			return undefined;
		}
		const t = setTimeout(say, Math.min(left, 2 ** 31 - 1));
		return () => clearTimeout(t);
	}, [expiresAt]);
	return warn;
}

function Shell({ session, path }) {
	const page = pages.find((p) => p.path === path) || pages[0];
	const Page = page.component;
	const warn = useExpiryWarning(session.expiresAt);
	// A page with a role is linked only for sessions that hold it (its
	// fragment still opens it: the page says it is not for them).
	const linked = pages.filter((p) => !p.role ||
	    (session.roles || []).includes(p.role));
	return html`
<header class="bar">
	<span class="brand">Gureum</span>
	<nav aria-label="Pages">${linked.map((p) => html`
		<a key=${p.path} href=${'#' + p.path}
		    aria-current=${p === page ? 'page' : undefined}>${p.title}</a>`)}
	</nav>
	<span class="who">${session.user} · ${session.project}</span>
	<button type="button" onClick=${() => logout()}>Log out</button>
</header>
${warn && html`<p class="notice expiry" role="status">${warn}</p>`}
<main><${Page} key=${page.path}/></main>`;
}

function App() {
	const [session, setSession] = useState(currentSession());
	const [notice, setNotice] = useState(null);
	const path = useFragment();

	useEffect(() => onSessionChange((s, reason) => {
		setSession(s);
		setNotice(reason === 'expired' ? EXPIRED : reason === 'logout' ?
		    'You have logged out.' : null);
	}), []);
	return session ? html`<${Shell} session=${session} path=${path}/>` :
	    html`<${LoginPage} notice=${notice}/>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App}/>`, root);

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

function Shell({ session, path }) {
	const page = pages.find((p) => p.path === path) || pages[0];
	const Page = page.component;
	return html`
<header class="bar">
	<span class="brand">Gureum</span>
	<nav aria-label="Pages">${pages.map((p) => html`
		<a key=${p.path} href=${'#' + p.path}
		    aria-current=${p === page ? 'page' : undefined}>${p.title}</a>`)}
	</nav>
	<span class="who">${session.user} · ${session.project}</span>
	<button type="button" onClick=${() => logout()}>Log out</button>
</header>
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

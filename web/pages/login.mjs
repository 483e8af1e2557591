// The login form: project, user name and password (domain Default).
import { login } from '../lib/api.mjs';
import { html, useEffect, useRef, useState } from '../lib/ui.mjs';

// notice: a sentence to show above the form (why the user is here).
export function LoginPage({ notice }) {
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const first = useRef(null);

	useEffect(() => {
		first.current.focus();
	}, []);

	async function submit(e) {
		e.preventDefault();
		const f = new FormData(e.currentTarget);
		setBusy(true);
		setError(null);
		try {
			await login(f.get('project').trim(), f.get('user').trim(),
			    f.get('password'));
		} catch (err) {
			setError(err.message);
			setBusy(false);
		}
	}

	return html`
<main class="login">
<form onSubmit=${submit} aria-labelledby="login-title" novalidate>
	<h1 id="login-title">Log in to Gureum</h1>
	${notice && html`<p class="notice" role="status">${notice}</p>`}
	<label for="login-project">Project</label>
	<input id="login-project" name="project" ref=${first} required
	    autocomplete="on" spellcheck="false"/>
	<label for="login-user">User name</label>
	<input id="login-user" name="user" required autocomplete="username"
	    spellcheck="false"/>
	<label for="login-password">Password</label>
	<input id="login-password" name="password" type="password" required
	    autocomplete="current-password"/>
	${error && html`<p class="error" role="alert">${error}</p>`}
	<button type="submit" disabled=${busy}>${busy ? 'Logging in…' :
	    'Log in'}</button>
</form>
</main>`;
}

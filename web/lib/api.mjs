// The session and the page's only way to the cloud: fetch() to this origin
// under /api/<catalog type>, with the token in X-Auth-Token. The token is
// kept in sessionStorage (this tab only; never a cookie, never a URL) and
// dropped on logout, at its expiry, or on any 401.
const KEY = 'gureum.session';
export const EXPIRED = 'Your session expired; log in again.';
export const BAD_LOGIN =
    'The project, user name or password is not right; check them and try again.';

const listeners = new Set();
let session = restore();
let expiryTimer = null;
armExpiry();

function restore() {
	try {
		const s = JSON.parse(sessionStorage.getItem(KEY));
		return s && typeof s.token === 'string' ? s : null;
	} catch {
		return null;
	}
}

function armExpiry() {
	clearTimeout(expiryTimer);
	if (!session || !session.expiresAt)
		return;
	const left = Date.parse(session.expiresAt) - Date.now();
	if (left <= 0)
		session = (sessionStorage.removeItem(KEY), null);
	else
		expiryTimer = setTimeout(() => setSession(null, 'expired'),
		    Math.min(left, 2 ** 31 - 1));
}

// reason: 'login', 'logout' or 'expired'.
function setSession(s, reason) {
	session = s;
	if (s)
		sessionStorage.setItem(KEY, JSON.stringify(s));
	else
		sessionStorage.removeItem(KEY);
	armExpiry();
	for (const fn of listeners)
		fn(s, reason);
}

export function currentSession() {
	return session;
}

// Calls fn(session, reason) on every change; returns the unsubscribe.
export function onSessionChange(fn) {
	listeners.add(fn);
	return () => listeners.delete(fn);
}

export class ApiError extends Error {
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

// The path the page calls a service by: /api/<type> and the path of the
// catalog's public URL (the catalog's hosts and ports are for the stock
// clients; the page stays on its own origin).
export function serviceBase(catalog, type) {
	const svc = catalog.find((s) => s.type === type);
	const ep = svc && (svc.endpoints.find((e) => e.interface === 'public') ||
	    svc.endpoints[0]);
	if (!ep)
		return null;
	return `/api/${type}` + new URL(ep.url).pathname.replace(/\/+$/, '');
}

// The sentence of an OpenStack fault's body text ({"itemNotFound":
// {"message": ...}}, {"error": {...}}, {"NeutronError": {...}}), or a
// plain one naming the status.
function faultSentence(text, status, statusText) {
	try {
		const body = JSON.parse(text);
		for (const v of Object.values(body))
			if (v && typeof v.message === 'string')
				return v.message;
	} catch {
		// not JSON: fall through
	}
	return `The cloud answered ${status} ${statusText}.`;
}

async function faultMessage(resp) {
	let text = '';
	try {
		text = await resp.text();
	} catch {
		// cut off: the plain sentence
	}
	return faultSentence(text, resp.status, resp.statusText);
}

async function send(url, init) {
	try {
		return await fetch(url, init);
	} catch {
		throw new ApiError(0, 'The cloud cannot be reached; try again.');
	}
}

// Password login scoped to the project by name, both in domain Default.
export async function login(project, user, password) {
	const body = { auth: {
		identity: { methods: ['password'], password: { user: {
			name: user, domain: { name: 'Default' }, password } } },
		scope: { project: { name: project, domain: { name: 'Default' } } },
	} };
	const resp = await send('/api/identity/v3/auth/tokens', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json',
		    Accept: 'application/json' },
		body: JSON.stringify(body),
	});
	if (resp.status === 401)
		throw new ApiError(401, BAD_LOGIN);
	if (!resp.ok)
		throw new ApiError(resp.status, await faultMessage(resp));
	const tok = (await resp.json()).token;
	const services = {};
	for (const type of ['identity', 'compute', 'image', 'network'])
		services[type] = serviceBase(tok.catalog || [], type);
	setSession({
		token: resp.headers.get('X-Subject-Token'),
		expiresAt: tok.expires_at,
		user: tok.user.name,
		project: tok.project.name,
		projectId: tok.project.id,
		roles: (tok.roles || []).map((r) => r.name),
		services,
	}, 'login');
}

// Revokes the token, then forgets it (even if the cloud is unreachable).
export async function logout() {
	const s = session;
	if (!s)
		return;
	try {
		await send('/api/identity/v3/auth/tokens', { method: 'DELETE',
		    headers: { 'X-Auth-Token': s.token,
		    'X-Subject-Token': s.token } });
	} finally {
		setSession(null, 'logout');
	}
}

// The session and the base address of its `type` service; throws
// ApiError when there is no session or the cloud has no such service.
function target(type) {
	const s = session;
	if (!s)
		throw new ApiError(401, EXPIRED);
	const base = s.services[type];
	if (!base)
		throw new ApiError(0, `This cloud has no ${type} service.`);
	return [s, base];
}

// The error for an answer that is not a success; a 401 ends session s
// (if it is still the current one).
function failure(s, status, sentence) {
	if (status !== 401)
		return new ApiError(status, sentence);
	if (session === s)
		setSession(null, 'expired');
	return new ApiError(401, EXPIRED);
}

// Calls a service of the catalog: api('compute', 'GET', '/servers/detail').
// Returns the JSON answer (null for an empty one: 204, or the 202 of a
// server action); throws ApiError with the fault's sentence. A 401 ends
// the session. The body is sent as JSON, with ctype as its Content-Type
// if given (the image API's JSON patch type), else application/json.
export async function api(type, method, path, body, ctype) {
	const [s, base] = target(type);
	const headers = { 'X-Auth-Token': s.token, Accept: 'application/json' };
	if (body !== undefined)
		headers['Content-Type'] = ctype || 'application/json';
	const resp = await send(base + path, { method, headers,
	    body: body === undefined ? undefined : JSON.stringify(body) });
	if (!resp.ok)
		throw failure(s, resp.status, resp.status === 401 ? '' :
		    await faultMessage(resp));
	const text = await resp.text();
	return text === '' ? null : JSON.parse(text);
}

export const ABORTED = 'The upload was cancelled.';

// PUTs a File or Blob as application/octet-stream to a service of the
// catalog with XMLHttpRequest, which, unlike fetch(), reports the
// upload's progress: onProgress(sent, total) as bytes go out. Returns
// { done, abort }: done resolves when the service has taken it all and
// rejects with an ApiError (the fault's sentence; status 0 and ABORTED
// after abort()). A 401 ends the session, as in api().
export function upload(type, path, blob, onProgress) {
	const xhr = new XMLHttpRequest();
	const done = new Promise((resolve, reject) => {
		let s, base;
		try {
			[s, base] = target(type);
		} catch (e) {
			return reject(e);
		}
		xhr.open('PUT', base + path);
		xhr.setRequestHeader('X-Auth-Token', s.token);
		xhr.setRequestHeader('Content-Type', 'application/octet-stream');
		xhr.setRequestHeader('Accept', 'application/json');
		xhr.upload.onprogress = (e) => onProgress(e.loaded,
		    e.lengthComputable ? e.total : blob.size);
		xhr.onload = () => {
			if (xhr.status >= 200 && xhr.status < 300)
				return resolve();
			reject(failure(s, xhr.status, faultSentence(
			    xhr.responseText, xhr.status, xhr.statusText)));
		};
		xhr.onerror = () => reject(new ApiError(0,
		    'The cloud cannot be reached; try again.'));
		xhr.onabort = () => reject(new ApiError(0, ABORTED));
		xhr.send(blob);
	});
	return { done, abort: () => xhr.abort() };
}

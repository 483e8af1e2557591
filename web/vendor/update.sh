#!/usr/bin/env bash
# web/vendor/update.sh - vendors the page's libraries from the npm registry
# exactly as web/package-lock.json pins them (npm checks each tarball
# against the lock's integrity): `npm ci` into a temp dir, the files and
# licences copied here, hooks.mjs's bare "preact" import rewritten to
# "./preact.mjs" (the page has no import map and no build step), and
# VERSIONS written with each file's sha256. The same lock gives the same
# bytes, so running it again changes nothing. To move a version: edit
# web/package.json, run `npm install --package-lock-only` in web/, then
# this script, and review the diff.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
web=$(dirname "$here")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp "$web/package.json" "$web/package-lock.json" "$tmp/"
(cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --silent)
m=$tmp/node_modules

cp "$m/preact/dist/preact.mjs" "$here/preact.mjs"
sed 's|from"preact"|from"./preact.mjs"|g' "$m/preact/hooks/dist/hooks.mjs" \
    >"$here/hooks.mjs"
if grep -q 'from *"preact"' "$here/hooks.mjs" ||
    ! grep -q 'from"./preact.mjs"' "$here/hooks.mjs"; then
	echo "update.sh: hooks.mjs's import of preact was not rewritten" >&2
	exit 1
fi
cp "$m/htm/dist/htm.mjs" "$here/htm.mjs"
cp "$m/preact/LICENSE" "$here/LICENSE.preact"
cp "$m/htm/LICENSE" "$here/LICENSE.htm"

# field PACKAGE KEY: a field of the installed package's package.json.
field() { node -p "require('$m/$1/package.json').$2"; }

{
	echo "# web/vendor: what update.sh copied from the npm registry."
	echo "# package version licence; then 'sha256  file' (sha256sum -c)."
	for p in preact htm; do
		echo "# $p $(field "$p" version) $(field "$p" license)"
	done
	(cd "$here" && sha256sum preact.mjs hooks.mjs htm.mjs LICENSE.preact \
	    LICENSE.htm)
} >"$here/VERSIONS"
echo "update.sh: vendored into $here; see $here/VERSIONS"

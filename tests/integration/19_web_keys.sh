#!/usr/bin/env bash
# The portal's Key pairs page in Chromium (tests/browser/keys.test.mjs):
# a key pair made by the page, its private key shown once and downloaded
# (a Blob URL under the page's CSP), its row with the API's fingerprint;
# a real ed25519 public key imported (its fingerprint as ssh-keygen and
# the API give it); a bad public key, a duplicate name and a hostile name
# refused at the form with their sentences, creating nothing; a name the
# API allows but that looks odd, as text; details and a confirmed delete
# in the row; the create form by the keyboard only. Then, by the API:
# exactly the key pairs the page left.
. "$(dirname "$0")/../lib/harness.sh"

. "$(dirname "$0")/../lib/browser.sh"
browser_start

start_api_cloud
make_member keyuser keyproj
MTOKEN=$(get_token keyuser pw keyproj)
[ -n "$MTOKEN" ] || die "no member token"

# A name inside Nova's character set that still looks like nothing a
# form would make: the page must show it as it is.
ODD='@-. odd _name_ .-@'
TOKEN=$MTOKEN api POST "$WEB_URL/api/compute/v2.1/os-keypairs" \
    "$(jq -cn --arg n "$ODD" '{keypair: {name: $n}}')"
expect 200 "the member makes a key pair with an odd name by the API"
TOKEN=$MTOKEN api POST "$WEB_URL/api/compute/v2.1/os-keypairs" \
    '{"keypair":{"name":"<img src=x onerror=alert(1)>"}}'
expect_fault 400 "the API refuses a name with markup, as Nova does"

ssh-keygen -q -t ed25519 -N '' -C 'web@keys' -f "$T/k" ||
    die "ssh-keygen failed"
FP=$(ssh-keygen -l -E md5 -f "$T/k.pub" | awk '{ sub(/^MD5:/, "", $2);
    print $2 }')
check "ssh-keygen gives the key's MD5 fingerprint ($FP)" \
    eval '[[ $FP =~ ^([0-9a-f]{2}:){15}[0-9a-f]{2}$ ]]'

GUREUM_WEB_URL=$WEB_URL GUREUM_PROJECT=keyproj GUREUM_USER=keyuser \
    GUREUM_PASSWORD=pw GUREUM_ODD_NAME=$ODD \
    GUREUM_PUBLIC_KEY="$(cat "$T/k.pub")" GUREUM_PUBLIC_FP=$FP \
    GUREUM_ARTIFACTS=$ART \
    browser_run 300 10 "$BROWSER/keys.test.mjs"
say "screenshots in $ART"

TOKEN=$MTOKEN api GET "$CP_URL/v2.1/os-keypairs"
check "the member's key pairs are those the page left: web-made, \
web-imported ($(jq -c '[.keypairs[].keypair.name]' <<<"$BODY"))" \
    jqt '[.keypairs[].keypair.name] == ["web-imported", "web-made"]'
check "the imported one has ssh-keygen's fingerprint" \
    jqt '.keypairs[] | select(.keypair.name == "web-imported") |
    .keypair.fingerprint == "'"$FP"'"'
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/os-keypairs/web-made"
check "the API never gives the private key again" \
    eval '[ "$STATUS" = 200 ] && jqt ".keypair | has(\"private_key\") | not"'
finish

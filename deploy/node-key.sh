#!/usr/bin/env bash
# deploy/node-key.sh NODE [SECRET_FILE]: prints NODE's signing key, derived
# from the cluster secret (default /etc/gureum/secret) as common/gr_sign.c
# derives it: HKDF-SHA256, salt "gureum-node-key", info = the node's name,
# 32 bytes in lower-case hex. Run it where the secret is (the controller's
# host) and give the node only the result, as its node_key_file.
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || {
	echo "usage: $0 NODE [SECRET_FILE]" >&2
	exit 2
}
secret=$(head -n 1 "${2:-/etc/gureum/secret}" | tr -d '[:space:]')
openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt "key:$secret" \
    -kdfopt salt:gureum-node-key -kdfopt "info:$1" HKDF |
    tr -d ':\n' | tr 'A-F' 'a-f'
echo

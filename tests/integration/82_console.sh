#!/usr/bin/env bash
# Live serial consoles on a real libvirtd/QEMU (TCG) guest: a console URL
# from the 2.1 action (os-getSerialConsole) and 2.6's remote-consoles, with
# curl and the stock CLI; a websocket client (RFC 6455, written below in
# python3's standard library) connects through the controller's proxy,
# which relays to the agent and libvirt's console stream: a line typed
# reaches a shell on the guest's serial port and its output comes back,
# with the "binary" and "base64" subprotocols. Tokens are used once,
# expire, and unknown ones are refused; a stopped server's console is
# 409, another project's 404; VNC is Nova's unavailable console type;
# bad bodies are 400 with Nova's schema sentences. A browser's Origin must
# name the proxy's host or an allowed one (403 otherwise, the token kept,
# as Nova's proxy checks). The console log keeps
# working beside the live console. A controller stopping with a console
# open ends it and exits.
. "$(dirname "$0")/../lib/harness.sh"

CONTROLLER_EXTRA="console_allowed_origins = horizon.test, portal.test" start_cloud
start_compute nodeS $'reserved_host_memory_mb = 256\nshutdown_timeout = 2'
wait_node_up
make_image gureum-tiny '"visibility":"public"'
make_flavor m1.tiny 1 128 1
make_member bob demo
make_member eve other
ADMIN_TOKEN=$TOKEN
BOB_TOKEN=$(get_token bob pw demo)
EVE_TOKEN=$(get_token eve pw other)

use_openstack_cli
os() {
	OS_USERNAME=bob OS_PASSWORD=pw OS_PROJECT_NAME=demo \
	    /usr/bin/openstack "$@" 2>"$T/os.err"
}

# The tiny guest has no getty: its user_data puts a shell on the serial
# port, which the console then talks to.
cat >"$T/user-data" <<'UD'
#!/bin/sh
(sh -i </dev/ttyS0 >/dev/ttyS0 2>&1 &)
UD
OUT=$(os server create --flavor m1.tiny --image gureum-tiny \
    --user-data "$T/user-data" --wait vm1 -f json)
check "bob's vm1 reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT"
ID=$(jq -r .id <<<"$OUT")
ready() { os console log show vm1 | grep -q "gureum-guest ready: vm1"; }
check "the console log shows the guest's ready line (the pty keeps its log)" \
    wait_for 90 ready

# ws.py URL PROTOCOL [SEND EXPECT | --hold]: the handshake; prints the
# status (exit 2 unless 101), then sends SEND (Enter first) and reads
# until EXPECT came back (exit 0, 1 if not within 30 s); then a clean
# close. With --hold it stays open until the proxy closes it.
cat >"$T/ws.py" <<'PY'
import base64, hashlib, os, socket, struct, sys, time, urllib.parse
url, proto = sys.argv[1], sys.argv[2]
u = urllib.parse.urlsplit(url)
s = socket.create_connection((u.hostname, u.port), timeout=30)
key = base64.b64encode(os.urandom(16)).decode()
origin = ("Origin: %s\r\n" % os.environ["ORIGIN"]) if "ORIGIN" in os.environ else ""
s.sendall(("GET /?%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n%s"
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: %s\r\n\r\n"
    % (u.query, u.netloc, key, origin, proto)).encode())
buf = b""
while b"\r\n\r\n" not in buf:
    d = s.recv(4096)
    if not d:
        break
    buf += d
head, _, buf = buf.partition(b"\r\n\r\n")
lines = head.decode().split("\r\n")
print(lines[0])
if " 101 " not in lines[0]:
    s.settimeout(2)
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            buf += d
    except OSError:
        pass
    print(buf.decode(errors="replace"))
    sys.exit(2)
hdrs = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:]}
want = base64.b64encode(hashlib.sha1((key +
    "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
if hdrs.get("sec-websocket-accept") != want:
    print("bad accept", hdrs); sys.exit(3)
got_proto = hdrs.get("sec-websocket-protocol")
print("protocol", got_proto)
def frame(op, data):
    m = os.urandom(4)
    n = len(data)
    h = bytes([0x80 | op]) + (bytes([0x80 | n]) if n < 126 else
        bytes([0x80 | 126]) + struct.pack(">H", n))
    return h + m + bytes(b ^ m[i % 4] for i, b in enumerate(data))
def send(data):
    if got_proto == "base64":
        s.sendall(frame(1, base64.b64encode(data)))
    else:
        s.sendall(frame(2, data))
def frames():
    global buf
    while True:
        while len(buf) >= 2:
            n, off = buf[1] & 0x7f, 2
            if n == 126:
                n, off = struct.unpack(">H", buf[2:4])[0], 4
            elif n == 127:
                n, off = struct.unpack(">Q", buf[2:10])[0], 10
            if len(buf) < off + n:
                break
            op, p, buf = buf[0] & 0x0f, buf[off:off + n], buf[off + n:]
            yield op, p
        d = s.recv(65536)
        if not d:
            return
        buf += d
if len(sys.argv) == 4 and sys.argv[3] == "--hold":
    # Open until the proxy ends it: how it did.
    s.settimeout(None)
    print("held")
    sys.stdout.flush()
    for op, p in frames():
        if op == 8:
            print("closed by proxy", struct.unpack(">H", p[:2])[0])
            sys.exit(0)
    print("eof")
    sys.exit(0)
if len(sys.argv) < 5:
    sys.exit(0)
out = b""
send(b"\r")
time.sleep(0.5)
send(sys.argv[3].encode() + b"\r")
deadline = time.time() + 30
s.settimeout(1)
it = frames()
while time.time() < deadline and sys.argv[4].encode() not in out:
    try:
        op, p = next(it)
    except socket.timeout:
        continue
    except StopIteration:
        break
    if op == 1:
        if got_proto != "base64":
            print("a text frame in binary mode"); sys.exit(4)
        out += base64.b64decode(p)
    elif op == 2:
        out += p
    elif op == 8:
        break
sys.stdout.write(out.decode(errors="replace") + "\n")
if sys.argv[4].encode() not in out:
    sys.exit(1)
s.settimeout(5)
s.sendall(frame(8, struct.pack(">H", 1000)))
for op, p in frames():
    if op == 8:
        print("closed", struct.unpack(">H", p[:2])[0] if len(p) >= 2 else "")
        break
PY
ws() { python3 "$T/ws.py" "$@" >"$T/ws.out" 2>&1; }
act() { mv_api "${MV:-1}" "$CP_URL/v2.1/servers/$ID/action" POST "$1"; }
# mv_api MINOR URL METHOD [BODY]: as bob (or AS_TOKEN) at compute 2.MINOR
mv_api() {
	local m=$1 url=$2 method=$3 body=${4:-}
	TOKEN=${AS_TOKEN:-$BOB_TOKEN} api "$method" "$url" "$body" \
	    -H "OpenStack-API-Version: compute 2.$m"
}
rc() { mv_api "${MV:-6}" "$CP_URL/v2.1/servers/$ID/remote-consoles" POST "$1"; }
WSRE="^ws://127[.]0[.]0[.]1:$CONSOLE_PORT/[?]token=[0-9a-f]{64}$"

# ---- the URLs ----
act '{"os-getSerialConsole": {"type": "serial"}}'
expect 200 "os-getSerialConsole at 2.1"
check "its answer is Nova's {console: {type, url}}, the URL on the proxy" \
    jqt ".console.type == \"serial\" and (.console | keys) == [\"type\", \"url\"] and (.console.url | test(\"$WSRE\"))"
URL1=$(jq -r .console.url <<<"$BODY")
MV=5 act '{"os-getSerialConsole": {"type": "serial"}}'
expect 200 "os-getSerialConsole at 2.5"
MV=6 act '{"os-getSerialConsole": {"type": "serial"}}'
expect_fault 404 "os-getSerialConsole at 2.6 (Nova removed it)"
rc '{"remote_console": {"protocol": "serial", "type": "serial"}}'
expect 200 "remote-consoles at 2.6"
check "its answer is Nova's {remote_console: {protocol, type, url}}" \
    jqt ".remote_console | .protocol == \"serial\" and .type == \"serial\" and (keys == [\"protocol\", \"type\", \"url\"]) and (.url | test(\"$WSRE\"))"
URL2=$(jq -r .remote_console.url <<<"$BODY")
MV=5 rc '{"remote_console": {"protocol": "serial", "type": "serial"}}'
expect_fault 404 "remote-consoles at 2.5 (from 2.6 only)"
check "a token is kept hashed, with its instance, node and a 600 s expiry" \
    test "$(psql_q "SELECT count(*) FILTER (WHERE instance_id = '$ID' AND host = 'nodeS' AND expires_at BETWEEN now() + interval '590 s' AND now() + interval '600 s' AND length(token_hash) = 64 AND position(token_hash IN '$URL1') = 0) FROM console_tokens")" = 3

OUT=$(os console url show --serial vm1 -f json)
check "openstack console url show --serial: a ws URL on the proxy" \
    jqt ".type == \"serial\" and (.url | test(\"$WSRE\"))" "$OUT" || cat "$T/os.err"
OUT=$(os --os-compute-api-version 2.6 console url show --serial vm1 -f json)
check "the same at --os-compute-api-version 2.6 (remote-consoles)" \
    jqt ".protocol == \"serial\" and (.url | test(\"$WSRE\"))" "$OUT" || cat "$T/os.err"
URL3=$(jq -r .url <<<"$OUT")

# ---- the live console ----
check "binary: a command typed on the console runs in the guest's shell" \
    ws "$URL1" "binary, base64" 'echo gureum-$((6*7))-ok' gureum-42-ok ||
    { cat "$T/ws.out"; tail -5 "$T/controller.log" "$T/compute.log"; }
check "the proxy chose the binary subprotocol" grep -qx "protocol binary" "$T/ws.out"
check "the proxy answered the client's close with its own" grep -qx "closed 1000" "$T/ws.out"
ws "$URL1" binary
check "a used token is refused (401)" grep -q " 401 " "$T/ws.out"
# Nova's origin check: the token survives a refused origin.
ORIGIN=http://evil.test ws "$URL3" binary
check "another site's Origin: 403" grep -q " 403 " "$T/ws.out" || cat "$T/ws.out"
check "... with the sentence in the fault" grep -q "does not match this host: evil.test" "$T/ws.out"
ORIGIN=https://127.0.0.1 ws "$URL3" binary
check "an https page for a ws:// console: 403 on the protocol" \
    grep -q "Origin header protocol does not match this host" "$T/ws.out"
ORIGIN=null ws "$URL3" binary
check "Origin null (a sandboxed page): 403, not valid" grep -q "Origin header not valid" "$T/ws.out"
ORIGIN=http://HORIZON.test:8000 ws "$URL3" binary 'echo hz-$((5*5))-ok' hz-25-ok
check "an Origin in console_allowed_origins opens the console (the token kept until then)" \
    grep -q " 101 " "$T/ws.out" || cat "$T/ws.out"
OUT=$(os console url show --serial vm1 -f json)
ORIGIN=http://127.0.0.1:8080 ws "$(jq -r .url <<<"$OUT")" binary 'echo same-$((4*4))-ok' same-16-ok
check "an Origin on the proxy's own host, another port (the portal), opens it" \
    grep -q " 101 " "$T/ws.out" || cat "$T/ws.out"
OUT=$(os console url show --serial vm1 -f json)
URL3=$(jq -r .url <<<"$OUT")
check "base64 (websockify's other subprotocol): the console both ways" \
    ws "$URL2" base64 'echo b64-$((7*8))-ok' b64-56-ok || cat "$T/ws.out"
check "the proxy chose base64 when only it was offered" grep -qx "protocol base64" "$T/ws.out"
check "the tokens used are gone from the table" \
    test "$(psql_q "SELECT count(*) FROM console_tokens")" = 3
ws "ws://127.0.0.1:$CONSOLE_PORT/?token=$(printf '%064d' 7)" binary
check "an unknown token is refused (401)" grep -q " 401 " "$T/ws.out"
ws "ws://127.0.0.1:$CONSOLE_PORT/" binary
check "no token is refused (401)" grep -q " 401 " "$T/ws.out"
psql_q "UPDATE console_tokens SET expires_at = now() - interval '1 s'" >/dev/null
ws "$URL3" binary
check "an expired token is refused (401)" grep -q " 401 " "$T/ws.out"
api GET "http://127.0.0.1:$CONSOLE_PORT/?token=x"
expect_fault 400 "a plain GET on the proxy (no websocket upgrade)"
check "the console log also has what the live console showed" \
    eval 'os console log show vm1 | grep -q gureum-42-ok'

# ---- the admin's look at a token ----
rc '{"remote_console": {"protocol": "serial", "type": "serial"}}'
TOK=$(jq -r .remote_console.url <<<"$BODY"); TOK=${TOK##*token=}
AS_TOKEN=$ADMIN_TOKEN mv_api 31 "$CP_URL/v2.1/os-console-auth-tokens/$TOK" GET
expect 200 "os-console-auth-tokens at 2.31"
check "it names the instance, its node and the agent's console path" \
    jqt ".console | .instance_uuid == \"$ID\" and .host == \"nodeS\" and (.port | type) == \"number\" and .internal_access_path == \"/v1/instances/$ID/serial\""
AS_TOKEN=$ADMIN_TOKEN mv_api 30 "$CP_URL/v2.1/os-console-auth-tokens/$TOK" GET
expect_fault 400 "os-console-auth-tokens before 2.31"
AS_TOKEN=$ADMIN_TOKEN mv_api 31 "$CP_URL/v2.1/os-console-auth-tokens/nope" GET
expect_fault 404 "os-console-auth-tokens of an unknown token"
mv_api 31 "$CP_URL/v2.1/os-console-auth-tokens/$TOK" GET
expect_fault 403 "os-console-auth-tokens is for admins"

# ---- what is refused ----
AS_TOKEN=$EVE_TOKEN act '{"os-getSerialConsole": {"type": "serial"}}'
expect_fault 404 "another project's member: os-getSerialConsole"
AS_TOKEN=$EVE_TOKEN rc '{"remote_console": {"protocol": "serial", "type": "serial"}}'
expect_fault 404 "another project's member: remote-consoles"
act '{"os-getVNCConsole": {"type": "novnc"}}'
expect_fault 400 "VNC: the domain has no graphics"
check "its sentence is Nova's" jqt '.badRequest.message == "Unavailable console type novnc."'
rc '{"remote_console": {"protocol": "vnc", "type": "novnc"}}'
expect_fault 400 "remote-consoles vnc"
check "its sentence is Nova's" jqt '.badRequest.message == "Unavailable console type novnc."'
bad() {	# DESCRIPTION SENTENCE-PART then act/rc BODY
	local d=$1 s=$2; shift 2
	"$@"
	expect_fault 400 "$d"
	check "$d: the fault says '$s'" jqt ".badRequest.message | contains(\"$s\")"
}
bad "os-getSerialConsole without a type" "'type' is a required property" \
    act '{"os-getSerialConsole": {}}'
bad "os-getSerialConsole of an unknown type" "'novnc' is not one of ['serial']" \
    act '{"os-getSerialConsole": {"type": "novnc"}}'
bad "os-getSerialConsole with another field" "Additional properties are not allowed ('x' was unexpected)" \
    act '{"os-getSerialConsole": {"type": "serial", "x": 1}}'
bad "os-getSerialConsole of null" "is not of type 'object'" \
    act '{"os-getSerialConsole": null}'
bad "os-getSerialConsole: a type that is not a string" "is not of type 'string'" \
    act '{"os-getSerialConsole": {"type": 1}}'
bad "the action's malformed JSON" "not valid JSON" act '{"os-getSerialConsole": {'
bad "remote-consoles without remote_console" "'remote_console' is a required property" rc '{}'
bad "remote-consoles without a protocol" "'protocol' is a required property" \
    rc '{"remote_console": {"type": "serial"}}'
bad "remote-consoles without a type" "'type' is a required property" \
    rc '{"remote_console": {"protocol": "serial"}}'
bad "remote-consoles of an unknown protocol" "'telnet' is not one of ['vnc', 'spice', 'serial', 'rdp']" \
    rc '{"remote_console": {"protocol": "telnet", "type": "serial"}}'
bad "remote-consoles of an unknown type" "'tty' is not one of" \
    rc '{"remote_console": {"protocol": "serial", "type": "tty"}}'
bad "remote-consoles: serial with a VNC type" "Invalid console type novnc" \
    rc '{"remote_console": {"protocol": "serial", "type": "novnc"}}'
bad "remote-consoles: rdp" "Unavailable console type rdp." \
    rc '{"remote_console": {"protocol": "rdp", "type": "rdp-html5"}}'
bad "remote-consoles: mks before 2.8" "'mks' is not one of" \
    rc '{"remote_console": {"protocol": "mks", "type": "webmks"}}'
bad "remote-consoles with another field" "Additional properties are not allowed ('x' was unexpected)" \
    rc '{"remote_console": {"protocol": "serial", "type": "serial", "x": 1}}'
bad "remote-consoles' malformed JSON" "not valid JSON" rc '{"remote_console": '
check "bad input made no token" \
    test "$(psql_q "SELECT count(*) FROM console_tokens WHERE expires_at > now()")" = 1

# ---- a stopped server ----
rc '{"remote_console": {"protocol": "serial", "type": "serial"}}'
URL4=$(jq -r .remote_console.url <<<"$BODY")
os server stop vm1
stopped() { test "$(os server show vm1 -f value -c status)" = SHUTOFF; }
check "vm1 stops" wait_for 60 stopped
act '{"os-getSerialConsole": {"type": "serial"}}'
expect_fault 409 "os-getSerialConsole of a stopped server"
check "its sentence is Nova's" jqt ".conflictingRequest.message == \"Instance $ID is not ready\""
rc '{"remote_console": {"protocol": "serial", "type": "serial"}}'
expect_fault 409 "remote-consoles of a stopped server"
ws "$URL4" binary
check "a token given while it ran does not open a stopped guest's console (409)" \
    grep -q " 409 " "$T/ws.out"
check "...and stays unused (the agent refused before the commit)" \
    test "$(psql_q "SELECT count(*) FROM console_tokens WHERE expires_at > now()")" = 2

os server delete --wait vm1
ws "$URL4" binary
check "nor a deleted one's (404)" grep -q " 404 " "$T/ws.out"

# ---- a controller that stops with a console open ----
OUT=$(os server create --flavor m1.tiny --image gureum-tiny --wait vm2 -f json)
check "vm2 reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT"
ID=$(jq -r .id <<<"$OUT")
rc '{"remote_console": {"protocol": "serial", "type": "serial"}}'
python3 "$T/ws.py" "$(jq -r .remote_console.url <<<"$BODY")" binary --hold \
    >"$T/hold.out" 2>&1 &
HOLD=$!
check "a console is held open" wait_for 20 grep -qx held "$T/hold.out"
kill -TERM "$controller_PID"
check "the controller stops with a console open (its relay ends first)" \
    wait_for 15 pid_gone "$controller_PID"
check "...and the websocket ended with it" wait_for 5 pid_gone "$HOLD"
check "the client saw the proxy close it" grep -q "closed by proxy\|eof" "$T/hold.out"
check "the agent's end of the console closed too" \
    wait_for 5 grep -q "console of instance $ID: closed" "$T/compute.log"
finish

# deploy/lib/api.sh - the OpenStack API calls that set a cloud up: a
# password token, images and flavors. Request bodies are built with jq
# (never by pasting strings), calls made with curl; each function returns
# 1 when the API does not answer as it should.

# api_auth_body USER PASSWORD PROJECT: the Identity v3 password request
# for a token scoped to PROJECT (user and project in domain Default).
api_auth_body() {
	jq -cn --arg u "$1" --arg p "$2" --arg pr "$3" '{auth: {
	    identity: {methods: ["password"], password: {user: {name: $u,
	        domain: {name: "Default"}, password: $p}}},
	    scope: {project: {name: $pr, domain: {name: "Default"}}}}}'
}

# api_token IDENTITY_URL USER PASSWORD PROJECT: prints a token (the
# X-Subject-Token of POST IDENTITY_URL/auth/tokens; IDENTITY_URL ends in
# /v3).
api_token() {
	curl -sf -D - -o /dev/null -H 'Content-Type: application/json' \
	    -d "$(api_auth_body "$2" "$3" "$4")" "$1/auth/tokens" |
	    awk 'tolower($1) == "x-subject-token:" { sub(/\r$/, "", $2); print $2 }'
}

# api_image_upload TOKEN IMAGE_URL ID FILE: the image's bytes (Image v2
# answers 204).
api_image_upload() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT \
	    -H "X-Auth-Token: $1" -H 'Content-Type: application/octet-stream' \
	    --data-binary @"$4" "$2/v2/images/$3/file") || true
	[ "$code" = 204 ]
}

# api_flavor_body NAME VCPUS RAM_MB DISK_GB: a POST /flavors body.
api_flavor_body() {
	jq -cn --arg n "$1" --argjson c "$2" --argjson r "$3" --argjson d "$4" \
	    '{flavor: {name: $n, vcpus: $c, ram: $r, disk: $d}}'
}

# api_answers_or_gone URL [PID]: URL answers (a status below 400), or the
# process PID (its server) has exited, so that a wait ends early.
api_answers_or_gone() {
	[ -z "${2:-}" ] || pid_alive "$2" || return 0
	curl -sf -o /dev/null --max-time 2 "$1"
}

# api_wait SECONDS URL [PID]: until URL answers; returns 1 after SECONDS,
# or as soon as PID has exited.
api_wait() {
	wait_for "$1" api_answers_or_gone "$2" "${3:-}" &&
	    { [ -z "${3:-}" ] || pid_alive "$3"; }
}

#!/usr/bin/env bash
# Runs schemathesis against a live `attest serve` and docs/openapi.yaml: every operation
# (but the endless event stream, which tests read with a client of their own), each
# response checked against the document, no 5xx. Every check runs but
# positive_data_acceptance: the centre's rules refuse most events that fit the schema
# (422, by design), and an NDJSON body is any text. Installs schemathesis with pip when
# missing; starts the server on a free port of a scratch store and stops it, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v st >/dev/null || python3 -m pip install --quiet --disable-pip-version-check schemathesis
source Tools/scratch-server.sh
scratch_store 20 5
# The administrator who registered themselves first.
admin=$($attest log "$store" --json | python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["actor"]["id"]); sys.stdin.read()')
$attest user add "$store" "$admin" --actor "$admin" --password-stdin <<<"a password only this check knows" >/dev/null
token=$($attest user token "$store" "$admin" --days 1 --actor "$admin" | sed -n 's/^token (shown once): //p')

start_server

st run docs/openapi.yaml --url "$url" --header "Authorization: Bearer $token" \
  --checks all --exclude-checks positive_data_acceptance --exclude-path /v1/events/subscribe --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" \
  --generation-deterministic --request-timeout 10

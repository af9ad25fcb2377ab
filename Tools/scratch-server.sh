# Sourced by the checks that run against a live server (Tools/api-check, Tools/browser-check):
# a scratch store of a generated centre, `attest serve` on a free port of it, and a trap that
# stops the server and removes the store whatever happens.
#
#   source Tools/scratch-server.sh
#   scratch_store LEARNERS SEED    # sets $store (a generated centre in a scratch directory)
#   start_server                   # serves $store; sets $url once it answers /healthz

attest=.build/debug/attest
[ -x "$attest" ] || { echo "$attest is missing: build it first (swift build)" >&2; exit 1; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/attest-check.XXXXXX")
server=""
stop_scratch() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap stop_scratch EXIT

scratch_store() {
  store=$scratch/centre.store
  $attest init "$store" >/dev/null
  $attest generate --learners "$1" --seed "$2" | $attest append "$store" - --batch-size 1000 --quiet >/dev/null
}

start_server() {
  $attest serve "$store" --listen 127.0.0.1:0 >"$scratch/serve.log" 2>&1 &
  server=$!
  url=""
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^serving .* at //p' "$scratch/serve.log" 2>/dev/null || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "attest serve did not start:" >&2; cat "$scratch/serve.log" >&2; exit 1; }
  for _ in $(seq 1 100); do
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/healthz", timeout=1)' "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "attest serve does not answer $url/healthz:" >&2
  cat "$scratch/serve.log" >&2
  exit 1
}

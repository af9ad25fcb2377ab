#!/usr/bin/env bash
# Browser tests of the centre's pages (Tests/BrowserTests): Playwright for Python drives
# Debian's chromium against `attest serve` on a generated centre of 200 learners, with
# accounts for an administrator, assessors, IQAs and an EQA; axe-core checks every page.
# Installs Playwright, axe-playwright-python and pytest with pip, and chromium with apt,
# when missing (Playwright never downloads a browser of its own). Screenshots of each page
# go to .build/browser-tests/. The server runs on a free port of a scratch store and is
# stopped whatever happens; the script exits with pytest's status.
#
#   Tools/browser-check/pages.sh            run the tests
#   Tools/browser-check/pages.sh --docs     also write docs/images/{dashboard,learner,sampling-grid}.png
#                                           (Tools/browser-check/docs-screenshots.py)
#   Tools/browser-check/pages.sh -- -k sample   pass what follows `--` to pytest
set -euo pipefail
cd "$(dirname "$0")/../.."

docs=0
pytest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs=1 ;;
    --) shift; pytest_args=("$@"); break ;;
    *) echo "usage: $0 [--docs] [-- PYTEST-ARGS…]" >&2; exit 2 ;;
  esac
  shift
done

sudo=$([ "$(id -u)" = 0 ] || echo sudo)
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium
fi
if [ "$docs" = 1 ] && ! command -v pngquant >/dev/null && ! command -v optipng >/dev/null; then
  # To keep the documentation's screenshots small; they are written as they are without.
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq pngquant optipng; } || echo "pngquant and optipng are not installed: the PNGs are not optimised" >&2
fi
python3 -c 'import playwright, axe_playwright_python, pytest' 2>/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check playwright axe-playwright-python pytest

out=.build/browser-tests
rm -rf "$out"
mkdir -p "$out"
source Tools/scratch-server.sh
scratch_store 200 1

# An account for every registered staff member (admin-1, assessor-1…8, assessor-iqa-1,
# iqa-1, iqa-2, ao-1, eqa-1), all with one password known only to this run.
password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
staff_ids=$($attest log "$store" --json | python3 -c '
import json, sys
for line in sys.stdin:
    record = json.loads(line)
    if record["type"] == "staff.registered":
        print(record["payload"]["staffId"])')
for staff in $staff_ids; do
  $attest user add "$store" "$staff" --actor admin-1 --password-stdin <<<"$password" >/dev/null
done

start_server

export PYTHONDONTWRITEBYTECODE=1 ATTEST_URL=$url ATTEST_PASSWORD=$password ATTEST_BROWSER_OUTPUT=$out CHROMIUM=$chromium
status=0
# The documentation's screenshots first, of the generated centre before the tests add to it.
if [ "$docs" = 1 ]; then
  python3 Tools/browser-check/docs-screenshots.py docs/images || status=$?
fi
python3 -m pytest -q -p no:cacheprovider Tests/BrowserTests ${pytest_args[@]+"${pytest_args[@]}"} || status=$?
if [ "$status" != 0 ]; then
  echo "the server's log: $out/serve.log" >&2
fi
cp "$scratch/serve.log" "$out/serve.log"
exit "$status"

#!/usr/bin/env bash
# Writes the schema-1 fixture store under Tests/Fixtures/v1/ with the code of commit
# 538ffb3, the last one before any event had a second schema version, and records the
# transcripts and the audit that code reports for it. The tests open a copy of the
# store with the current code and expect the same reports.
#
#   Tests/Fixtures/make-v1-fixtures.sh              # builds attest at 538ffb3 in a temporary worktree
#   ATTEST_V1=/path/to/attest Tests/Fixtures/make-v1-fixtures.sh   # an attest already built from 538ffb3
#
# Input: v1/centre.ndjson (`attest generate --learners 6 --seed 1` at 538ffb3) and
# v1/extra.ndjson (a learner known by a centre reference, registered then withdrawn).
# Output: v1/store/data.mdb, v1/expected/transcript-LEARNER.json, v1/expected/audit.json.
# A new run gives the same reports; the store's bytes differ, since each record carries
# the clock of the append that stored it (and so do the hashes chained over them).
set -euo pipefail
cd "$(dirname "$0")"
commit=538ffb3
here=$(pwd)

if [ -z "${ATTEST_V1:-}" ]; then
  work=$(mktemp -d)
  trap 'git -C "$here" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  git -C "$here" worktree add --detach "$work/src" "$commit" >&2
  swift build --package-path "$work/src" --product attest >&2
  ATTEST_V1="$work/src/.build/debug/attest"
fi

# The audit is dated (after the store's clock, so every record counts), so that
# "not standardised in the last 12 months" does not move with the day it is run.
audit_date=2027-06-30

scratch=$(mktemp -d)
store="$scratch/store"
rm -rf v1/store v1/expected
mkdir -p v1/expected v1/store
"$ATTEST_V1" init "$store" >&2
"$ATTEST_V1" append "$store" v1/centre.ndjson --quiet >&2
"$ATTEST_V1" append "$store" v1/extra.ndjson --quiet >&2
"$ATTEST_V1" verify "$store" >&2
for learner in $(grep -h '"type":"learner.registered"' v1/centre.ndjson v1/extra.ndjson | sed 's/.*"learnerId":"\([^"]*\)".*/\1/'); do
  "$ATTEST_V1" transcript "$store" "$learner" --json > "v1/expected/transcript-$learner.json"
done
"$ATTEST_V1" audit "$store" --json --as-of "$audit_date" > v1/expected/audit.json
# Compacted: only the pages in use are kept.
mdb_copy -c "$store" v1/store
rm -rf "$scratch"
ls -l v1/store v1/expected >&2

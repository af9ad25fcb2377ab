#!/usr/bin/env python3
"""Runs the `bundle` harness's inputs through the `attest-replay` executable itself, to show
what the in-process harness cannot: the exit status of every input is 0 or 1 (the files
come from the centre, so nothing is the EQA's own error, exit 2), within a time limit.

    python3 Tools/Fuzz/bundle-exit-codes.py REPLAY CORPUS... [--json]

REPLAY is the attest-replay executable; each CORPUS is a directory of inputs as the harness
reads them (the first byte chooses a file of one of the two clean bundles, the rest replaces
it). The clean bundles are the seeds in Tools/Fuzz/corpus/bundle. Exit status: 0 when every
input exited 0 or 1; 1 otherwise, with the inputs named.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SEEDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "bundle")


def clean_bundles():
    """The files of the store and learner bundles, by bundle and name, from the seeds."""
    bundles = {}
    for name in os.listdir(SEEDS):
        if name.startswith("finding-"):
            continue
        kind, file = name.split("-", 1)
        with open(os.path.join(SEEDS, name), "rb") as seed:
            bundles.setdefault(kind, {})[file] = seed.read()[1:]
    return bundles


def main(argv):
    args = [a for a in argv[1:] if a != "--json"]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    replay, corpora = args[0], args[1:]
    bundles = clean_bundles()
    targets = [("store", f) for f in sorted(bundles["store"])] + [("learner", f) for f in sorted(bundles["learner"])]
    statuses, wrong = {}, []
    with tempfile.TemporaryDirectory() as scratch:
        key = os.path.join(scratch, "centre.pub")
        with open(key, "wb") as out:
            out.write(bundles["store"]["key"])
        bundle = os.path.join(scratch, "bundle")
        for corpus in corpora:
            for name in sorted(os.listdir(corpus)):
                with open(os.path.join(corpus, name), "rb") as source:
                    data = source.read()
                kind, file = targets[(data[0] if data else 0) % len(targets)]
                shutil.rmtree(bundle, ignore_errors=True)
                os.makedirs(bundle)
                for each, content in bundles[kind].items():
                    with open(os.path.join(bundle, each), "wb") as out:
                        out.write(data[1:] if each == file else content)
                try:
                    status = subprocess.run([replay, bundle, "--key", key, "--in-memory"], capture_output=True, timeout=30).returncode
                except subprocess.TimeoutExpired:
                    status = "timeout"
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status not in (0, 1):
                    wrong.append(f"{corpus}/{name}: {status}")
    result = {"inputs": sum(statuses.values()), "statuses": statuses, "wrong": wrong}
    if "--json" in argv:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"{result['inputs']} inputs: exit statuses {statuses}")
        for line in wrong:
            print(line)
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Regenerates the seed corpus and the dictionary of the fuzz harnesses.

    python3 Tools/Fuzz/make-corpus.py [ATTEST]     (ATTEST: the attest binary, .build/debug/attest;
                                                   attest-fuzz is the one beside it)

event-line:    the NDJSON examples of docs/events.md, one file per line
append:        the lines of `attest generate --learners 1 --seed 1` (the centre the harness's store
               holds) but its specification, one file per line
specification: the specifications of Schemas/qualifications/ and Tests/Fixtures/specifications/
checkpoint:    a signed checkpoint of a small store, made by `attest checkpoint`
bundle:        each file of the harness's clean bundles after the byte that chooses it, written by
               `attest-fuzz bundle --seeds` (the bundles are signed with the harness's own key)
attest.dict:   the JSON keys of those seeds, the event types, the actors' roles, the enumerations' names of
               Schemas/attest/v1/*.proto, the bundle manifests' values, and the marks of a signed note

Files whose names start with `finding-` are reproducers of findings and are kept.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "Tools", "Fuzz", "corpus")


def reset(harness):
    """An empty seed directory for `harness`, keeping its reproducers."""
    directory = os.path.join(CORPUS, harness)
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if not name.startswith("finding-"):
            os.remove(os.path.join(directory, name))
    return directory


def write(directory, name, data):
    with open(os.path.join(directory, name), "wb") as file:
        file.write(data if isinstance(data, bytes) else data.encode())


def event_lines():
    """The lines of the ```ndjson blocks of docs/events.md."""
    lines, inside = [], False
    with open(os.path.join(ROOT, "docs", "events.md"), encoding="utf-8") as file:
        for line in file.read().split("\n"):
            if line == "```ndjson":
                inside = True
            elif line == "```":
                inside = False
            elif inside:
                lines.append(line)
    return lines


def specifications():
    paths = sorted(glob.glob(os.path.join(ROOT, "Schemas", "qualifications", "**", "*.json"), recursive=True))
    paths += sorted(glob.glob(os.path.join(ROOT, "Tests", "Fixtures", "specifications", "*.json")))
    return paths


def checkpoint(attest, first_line):
    """The signed checkpoint of a new store holding `first_line` (an administrator registering themselves)."""
    with tempfile.TemporaryDirectory() as directory:
        store = os.path.join(directory, "centre.store")
        subprocess.run([attest, "init", store, "--centre", "centre.example"], check=True, capture_output=True)
        subprocess.run([attest, "append", store, "-"], input=first_line.encode(), check=True, capture_output=True)
        return subprocess.run([attest, "checkpoint", store], check=True, capture_output=True).stdout


def keys(value, found):
    """Every object key in a parsed JSON value."""
    if isinstance(value, dict):
        for key, member in value.items():
            found.add(key)
            keys(member, found)
    elif isinstance(value, list):
        for member in value:
            keys(member, found)
    return found


def main():
    attest = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "attest")
    lines = event_lines()
    directory = reset("event-line")
    for number, line in enumerate(lines, 1):
        write(directory, "docs-events-%02d" % number, line)

    directory = reset("append")
    generated = subprocess.run([attest, "generate", "--learners", "1", "--seed", "1"], check=True, capture_output=True).stdout.decode()
    generated = [line for line in generated.split("\n") if line and json.loads(line)["type"] != "specification.imported"]
    for number, line in enumerate(generated, 1):
        write(directory, "generated-%02d" % number, line)

    directory = reset("specification")
    documents = []
    for path in specifications():
        with open(path, encoding="utf-8") as file:
            document = json.load(file)
        documents.append(document)
        # Compact, so that the fuzzer's mutations fall on content rather than indentation.
        write(directory, os.path.basename(path), json.dumps(document, separators=(",", ":"), ensure_ascii=False))

    directory = reset("checkpoint")
    first = min((line for line in lines if json.loads(line)["type"] == "staff.registered"), key=lambda line: json.loads(line)["id"])
    write(directory, "centre-example", checkpoint(attest, first))

    directory = reset("bundle")
    subprocess.run([os.path.join(os.path.dirname(attest), "attest-fuzz"), "bundle", "--seeds", directory], check=True, capture_output=True)
    manifests = []
    for name in sorted(os.listdir(directory)):
        if name.endswith("-bundle.json"):
            with open(os.path.join(directory, name), "rb") as file:
                manifests.append(json.loads(file.read()[1:]))

    lines += generated
    tokens = keys([json.loads(line) for line in lines] + documents + manifests, set())
    tokens |= {value for manifest in manifests for value in manifest.values() if isinstance(value, str)}
    tokens |= {json.loads(line)["type"] for line in lines}
    tokens |= {json.loads(line)["actor"].get("role", "") for line in lines} - {""}
    for path in glob.glob(os.path.join(ROOT, "Schemas", "attest", "v1", "*.proto")):
        with open(path, encoding="utf-8") as file:
            tokens |= set(re.findall(r"^\s*([A-Z][A-Z0-9_]+)\s*=\s*\d+;", file.read(), re.MULTILINE))
    # Each as a JSON string, quotes included, in the dictionary's escaped form.
    entries = ['"%s"' % json.dumps(token).replace("\\", "\\\\").replace('"', '\\"') for token in sorted(tokens)]
    entries += ['"null"', '"true"', '"false"', '"\\x0a\\x0a"', '"\\xe2\\x80\\x94 "', '"time "']
    with open(os.path.join(ROOT, "Tools", "Fuzz", "attest.dict"), "w", encoding="utf-8") as file:
        file.write("# Keys, event types and enumeration names of Attest's inputs; made by make-corpus.py.\n")
        file.write("\n".join(entries) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Recomputes the Merkle root of an Attest export bundle with Python's hashlib, following
docs/format.md only, and compares it with the root in the bundle's checkpoint. For a
one-learner bundle, checks each record's inclusion proof against that root instead and,
when the checkpoint has a `learners` line, that the bundle holds every record of the
learner: the records' links (fields 14 and 15) and the learner's entry in the map of
learners (docs/format.md, *Learners' records*).

    python3 Tools/bundle-root.py BUNDLE [--json]

Exit status: 0 the root (or every proof, and completeness) matches; 1 it does not; 2 the
bundle cannot be read. The checkpoint's signature is checked by Tools/verify-checkpoint.py.
"""
import base64
import hashlib
import json
import sys


def leaf(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):
    """RFC 9162 section 2.1.1: MTH over a list of leaf hashes."""
    if len(leaves) == 0:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(leaf_hash, index, size, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def varint(data, offset):
    """A base-128 varint at `offset`: (value, offset after it)."""
    value, shift = 0, 0
    while True:
        if offset >= len(data) or shift > 63:
            raise ValueError("a varint runs past the end of the record")
        byte = data[offset]
        value |= (byte & 0x7F) << shift
        offset, shift = offset + 1, shift + 7
        if not byte & 0x80:
            return value, offset


def link(record):
    """A record's sequence (field 1), learner (field 14) and learner's previous record (field 15)."""
    found, offset = {}, 0
    while offset < len(record):
        tag, offset = varint(record, offset)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            found[number], offset = varint(record, offset)
        elif wire == 2:
            length, offset = varint(record, offset)
            found[number], offset = record[offset : offset + length], offset + length
        elif wire in (1, 5):
            offset += 8 if wire == 1 else 4
        else:
            raise ValueError(f"wire type {wire} in a record")
    return found.get(1, 0), found.get(14, b"").decode("utf-8"), found.get(15, 0)


def completeness(bundle, learner, stored, line):
    """Checks the links of the learner's records from FROM on and their entry in the map
    of `line` (`learners FROM COUNT ROOT`). Returns (complete, problem, sequence named)."""
    _, first, count, map_root = line.split(" ")
    first, count, map_root = int(first), int(count), base64.b64decode(map_root, validate=True)
    latest, linked = 0, 0
    for record in stored:
        sequence, name, previous = link(record)
        if sequence < first:
            continue
        if name != learner:
            return False, f"record {sequence} is not linked to learner {learner}", sequence
        if previous > latest:
            return False, f"record {previous} of the learner is not in the bundle", previous
        if previous < latest:
            return False, f"record {sequence} skips the learner's record {latest}", sequence
        latest, linked = sequence, linked + 1
    try:
        with open(f"{bundle}/completeness", encoding="utf-8") as f:
            fields = f.read().splitlines()[0].split(" ")
    except FileNotFoundError:
        if linked == 0:
            return False, f"the learner has no record from {first} on: completeness cannot be shown", None
        return False, "the bundle has no completeness file", None
    index, signed_latest, signed_records = (int(x) for x in fields[:3])
    entry = learner.encode() + b"\x00" + signed_latest.to_bytes(8, "big") + signed_records.to_bytes(8, "big")
    if not verify_inclusion(leaf(entry), index, count, [bytes.fromhex(h) for h in fields[3:]], map_root):
        return False, "the learner's entry is not in the map of learners", None
    if signed_latest > latest:
        return False, f"the learner's latest record, {signed_latest}, is not in the bundle", signed_latest
    if (signed_latest, signed_records) != (latest, linked):
        return False, f"the bundle's {linked} linked records are not the map's {signed_records}", latest
    return True, None, None


def records(path):
    """BE32 length || record bytes, repeated."""
    with open(path, "rb") as f:
        data = f.read()
    offset, out = 0, []
    while offset < len(data):
        if offset + 4 > len(data):
            raise ValueError("the records file ends inside a length")
        length = int.from_bytes(data[offset : offset + 4], "big")
        if offset + 4 + length > len(data):
            raise ValueError("the records file ends inside a record")
        out.append(data[offset + 4 : offset + 4 + length])
        offset += 4 + length
    return out


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    bundle = argv[1]
    try:
        with open(f"{bundle}/bundle.json", encoding="utf-8") as f:
            manifest = json.load(f)
        with open(f"{bundle}/checkpoint", encoding="utf-8") as f:
            lines = f.read().split("\n")
        size, root = int(lines[1]), base64.b64decode(lines[2], validate=True)
        stored = records(f"{bundle}/records")
    except (OSError, ValueError, IndexError) as error:
        print(f"cannot read the bundle: {error}", file=sys.stderr)
        return 2
    if manifest["kind"] == "learner":
        with open(f"{bundle}/proofs", encoding="utf-8") as f:
            proofs = [line.split(" ") for line in f.read().splitlines() if line]
        ok = manifest["treeSize"] == size and len(proofs) == len(stored) and all(
            verify_inclusion(leaf(record), int(p[0]) - 1, size, [bytes.fromhex(h) for h in p[1:]], root)
            for record, p in zip(stored, proofs))
        result = {"kind": "learner", "records": len(stored), "treeSize": size, "root": root.hex(), "matches": ok}
        line = next((line for line in lines[3:] if line.startswith("learners ")), None)
        if line:
            try:
                complete, problem, sequence = completeness(bundle, manifest["learner"], stored, line)
            except (OSError, ValueError, IndexError) as error:
                complete, problem, sequence = False, f"unreadable: {error}", None
            result.update({"complete": complete, "completeFrom": int(line.split(" ")[1]), "problem": problem, "sequence": sequence})
            ok = ok and (complete or sequence is None and problem.endswith("completeness cannot be shown"))
    else:
        computed = mth([leaf(record) for record in stored])
        ok = computed == root and len(stored) == size == manifest["treeSize"]
        result = {"kind": "store", "records": len(stored), "treeSize": size, "root": computed.hex(), "matches": ok}
    if "--json" in argv:
        print(json.dumps(result, sort_keys=True))
    else:
        print(("matches" if ok else "DOES NOT MATCH") + f": {result}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

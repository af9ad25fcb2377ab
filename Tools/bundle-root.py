#!/usr/bin/env python3
"""Recomputes the Merkle root of an Attest export bundle with Python's hashlib, following
docs/format.md only, and compares it with the root in the bundle's checkpoint. For a
one-learner bundle, checks each record's inclusion proof against that root instead.

    python3 Tools/bundle-root.py BUNDLE [--json]

Exit status: 0 the root (or every proof) matches; 1 it does not; 2 the bundle cannot be read.
The checkpoint's signature is checked by Tools/verify-checkpoint.py.
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
        ok = len(proofs) == len(stored) and all(
            verify_inclusion(leaf(record), int(p[0]) - 1, size, [bytes.fromhex(h) for h in p[1:]], root)
            for record, p in zip(stored, proofs))
        result = {"kind": "learner", "records": len(stored), "treeSize": size, "root": root.hex(), "matches": ok}
    else:
        computed = mth([leaf(record) for record in stored])
        ok = computed == root and len(stored) == size
        result = {"kind": "store", "records": len(stored), "treeSize": size, "root": computed.hex(), "matches": ok}
    if "--json" in argv:
        print(json.dumps(result, sort_keys=True))
    else:
        print(("matches" if ok else "DOES NOT MATCH") + f": {result}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

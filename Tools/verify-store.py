#!/usr/bin/env python3
"""Verify an Attest store (format attest-log/1) independently of the Swift code.

Usage: python3 Tools/verify-store.py STORE [--json]

Follows docs/format.md only: reads the `log` and `meta` databases through
`mdb_dump` (its default hex "bytevalue" output: one line of hex per key or value),
walks the records in key order, checks that record n has key n and field 1
(sequence) n, that its field 13 (previous_hash) is the chain hash of record n-1
(32 zero bytes for n = 1), recomputes every chain hash SHA-256(0x00 || record)
and the RFC 9162 Merkle root, and compares them with `head` and `merkle-edge`
(whose root is recomputed from the stored right edge). Standard library only.

Prints `verified N records, root <hex>` and exits 0, or names the first bad
sequence and exits 1 (exit 2: the store cannot be read). --json prints
{"records":N,"merkleRoot":hex,"chainHash":hex} (or {"sequence":n,"reason":...}).
"""
import hashlib, json, subprocess, sys

ZERO = bytes(32)
leaf = lambda data: hashlib.sha256(b"\x00" + data).digest()
node = lambda left, right: hashlib.sha256(b"\x01" + left + right).digest()

class Bad(Exception):
    """The first bad sequence (None: meta itself is inconsistent) and why."""
    def __init__(self, sequence, reason):
        where = "" if sequence is None else f" at sequence {sequence}"
        super().__init__(f"verification failed{where}: {reason}")
        self.sequence, self.reason = sequence, reason

def dump(store, db):
    """The (key, value) byte pairs of named database `db`, in key order."""
    run = subprocess.run(["mdb_dump", "-s", db, store], capture_output=True, text=True)
    if run.returncode != 0:
        fail_read(store, db, run.stderr)
    data, items = False, []
    for line in run.stdout.splitlines():
        if not data:
            if line.startswith("format=") and line.strip() != "format=bytevalue":
                fail_read(store, db, f"mdb_dump wrote {line.strip()}, not the hex bytevalue form")
            data = line.strip() == "HEADER=END"
        elif line.strip() == "DATA=END":
            data = False
        elif line.startswith(" "):
            try: items.append(bytes.fromhex(line[1:].strip()))
            except ValueError: fail_read(store, db, f"not hex: {line[:40]}")
    if len(items) % 2:
        fail_read(store, db, "odd number of data lines")
    return list(zip(items[0::2], items[1::2]))

def fail_read(store, db, why):
    print(f"cannot read database {db} of {store}: {why.strip()}", file=sys.stderr)
    sys.exit(2)

def header(record):
    """Walks the protobuf wire format: (field 1 varint, field 13 bytes), or None if malformed."""
    sequence, previous, at = 0, b"", 0
    def varint():
        nonlocal at
        result, shift = 0, 0
        while at < len(record) and shift < 70:
            byte = record[at]; at += 1
            result |= (byte & 0x7F) << shift
            if byte < 0x80: return result & 0xFFFFFFFFFFFFFFFF
            shift += 7
        return None
    while at < len(record):
        tag = varint()
        if tag is None or tag >> 3 == 0: return None
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            value = varint()
            if value is None: return None
            if field == 1: sequence = value
        elif wire in (1, 2, 5):
            length = {1: 8, 5: 4}.get(wire) or varint()
            if length is None or length > len(record) - at: return None
            if field == 13 and wire == 2: previous = record[at:at + length]
            at += length
        else:
            return None
    return sequence, previous

def mth(leaves):
    """RFC 9162 MTH: split at the largest power of two smaller than n."""
    if not leaves: return hashlib.sha256(b"").digest()
    if len(leaves) == 1: return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node(mth(leaves[:k]), mth(leaves[k:]))

def read_meta(store):
    meta = dict(dump(store, "meta"))
    if meta.get(b"format") != b"attest-log/1":
        fail_read(store, "meta", f"format is {meta.get(b'format')!r}, not attest-log/1")
    head, edge = meta.get(b"head"), meta.get(b"merkle-edge")
    size, chain = 0, ZERO
    if head is not None:
        if len(head) != 48: raise Bad(None, f"the head entry in meta has {len(head)} bytes, not 48")
        size, chain = int.from_bytes(head[:8], "big"), head[8:40]
    hashes = []
    if edge is not None:
        hashes = [edge[i:i + 32] for i in range(8, len(edge), 32)]
        if len(edge) < 8 or (len(edge) - 8) % 32 or int.from_bytes(edge[:8], "big") != size \
                or len(hashes) != bin(size).count("1"):
            raise Bad(None, f"the Merkle edge in meta does not match a log of {size} records")
    root = hashlib.sha256(b"").digest() if not hashes else hashes[-1]
    for h in reversed(hashes[:-1]): root = node(h, root)   # fold the right edge from the right
    return size, chain, root

def verify(store):
    size, head_chain, edge_root = read_meta(store)
    entries, leaves, previous = dump(store, "log"), [], ZERO
    for index, (key, value) in enumerate(entries):
        n = index + 1
        if len(key) != 8: raise Bad(n, f"a log key of {len(key)} bytes is not a sequence")
        if int.from_bytes(key, "big") != n:
            raise Bad(n, f"the record is missing (the next record is stored at {int.from_bytes(key, 'big')})")
        chain, parsed = leaf(value), header(value)
        if parsed is None: raise Bad(n, "the record is not a well-formed protobuf message")
        if parsed[0] != n: raise Bad(n, f"the record says sequence {parsed[0]} but is stored at {n}")
        if parsed[1] != previous:
            # Which one was altered? If the next link (or the head) still vouches for record n, record n-1.
            if index + 1 < len(entries):
                following = header(entries[index + 1][1])
                vouched = following is not None and following[1] == chain
            else:
                vouched = chain == head_chain
            if vouched and n > 1: raise Bad(n - 1, f"its chain hash differs from the one record {n} carries: its bytes were altered")
            raise Bad(n, f"the record's previous hash differs from the chain hash of record {n - 1}")
        leaves.append(chain)
        previous = chain
    count = len(leaves)
    if count != size: raise Bad(min(count, size) + 1, f"the head says {size} records but {count} are stored")
    if previous != head_chain: raise Bad(count, f"last chain hash {previous.hex()} differs from the head's {head_chain.hex()}")
    root = mth(leaves)
    if root != edge_root: raise Bad(count, f"computed Merkle root {root.hex()} differs from the stored edge's {edge_root.hex()}")
    return count, previous, root

def main(argv):
    if len(argv) not in (1, 2) or (len(argv) == 2 and argv[1] != "--json"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr); return 2
    as_json = len(argv) == 2
    try:
        count, chain, root = verify(argv[0])
    except Bad as bad:
        print(json.dumps({"sequence": bad.sequence, "reason": bad.reason}) if as_json else str(bad))
        return 1
    print(json.dumps({"records": count, "merkleRoot": root.hex(), "chainHash": chain.hex()}) if as_json
          else f"verified {count} records, root {root.hex()}")
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

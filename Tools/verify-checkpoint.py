#!/usr/bin/env python3
"""Checks a signed checkpoint against a centre's verifier key with an Ed25519
implementation independent of Attest's (Python's `cryptography` package), following
docs/format.md only.

    python3 Tools/verify-checkpoint.py KEYFILE CHECKPOINTFILE [--json] [--cosigner]

Every signature line by the key (its name and key hash) must verify, whatever their order,
and there must be one; lines by other keys are ignored. The checkpoint's origin must be the
key's name, unless --cosigner: then KEYFILE is an EQA's key whose cosignature is checked.

Exit status: 0 the signature verifies; 1 it does not; 2 a file cannot be read or parsed.
"""
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Malformed(Exception):
    pass


def parse_key(text):
    """NAME+KEYHASH+BASE64(0x01 || 32-byte public key)."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise Malformed("a verifier key is NAME+KEYHASH+BASE64KEY")
    name, keyhash, encoded = parts
    raw = base64.b64decode(encoded, validate=True)
    if len(raw) != 33 or raw[0] != 0x01:
        raise Malformed("the key is not the Ed25519 algorithm byte 01 and 32 bytes")
    expected = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if expected.hex() != keyhash:
        raise Malformed(f"the key hash {keyhash} does not match the key ({expected.hex()})")
    return name, expected, raw[1:]


def parse_note(text):
    """The text up to the last blank line (with its final newline), then signature lines."""
    split = text.rfind("\n\n")
    if split < 0 or not text.endswith("\n"):
        raise Malformed("no blank line between the text and the signatures")
    body = text[: split + 1]
    signatures = []
    for line in text[split + 2 :].splitlines():
        dash, name, encoded = line.split(" ")
        if dash != "\u2014":
            raise Malformed(f"not a signature line: {line!r}")
        raw = base64.b64decode(encoded, validate=True)
        signatures.append((name, raw[:4], raw[4:]))
    return body, signatures


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            name, keyhash, public = parse_key(f.read())
        with open(argv[2], encoding="utf-8") as f:
            body, signatures = parse_note(f.read())
        origin, size, root = body.split("\n")[:3]
        size = int(size)
        root = base64.b64decode(root, validate=True)
    except (OSError, ValueError, Malformed) as error:
        print(f"cannot read: {error}", file=sys.stderr)
        return 2
    lines = [signature for signer, signer_hash, signature in signatures if signer == name and signer_hash == keyhash]
    verified = bool(lines) and (origin == name or "--cosigner" in argv)
    for signature in lines:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(signature, body.encode("utf-8"))
        except InvalidSignature:
            verified = False
    result = {"verified": verified, "origin": origin, "size": size, "root": root.hex()}
    if "--json" in argv:
        print(json.dumps(result, sort_keys=True))
    else:
        print(("verified" if verified else "NOT verified") + f": {origin}, {size} records, root {root.hex()}")
    return 0 if verified else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""A verifier that is not ours: run as its own process, with no Django and no database. It reads
a baked PNG (Pillow), verifies the compact JWS with jwcrypto (an unmodified third-party JOSE
package) against the key fetched from the `kid` URL, checks the OB 3.0 VC-JWT claims, then
fetches the status list, verifies it the same way and reads the credential's bit.

Usage: python outside_verifier.py BADGE.png   Prints one JSON line: {"verdict": ..., ...}."""

import base64
import gzip
import json
import sys
import time
import urllib.request
from datetime import UTC, datetime

from jwcrypto import jwk, jws
from PIL import Image


def fetch(url: str) -> tuple[bytes, dict]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the test server's URL)
        return response.read(), dict(response.headers)


def verified_payload(token: str) -> dict:
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "RS256", header
    key_json, _ = fetch(header["kid"])
    key = json.loads(key_json)
    assert "d" not in key, "the kid URL exposes a private key"
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(jwk.JWK(**key), alg="RS256")  # raises on a bad signature
    return json.loads(signed.payload)


def seconds(value: str) -> int:
    return int(datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def main(path: str) -> dict:
    token = Image.open(path).text["openbadgecredential"]
    try:
        credential = verified_payload(token)
    except jws.InvalidJWSSignature:
        return {"verdict": "signature invalid"}
    claims_ok = (
        credential["iss"] == credential["issuer"]["id"]
        and credential["jti"] == credential["id"]
        and credential["sub"] == credential["credentialSubject"]["id"]
        and credential["nbf"] == seconds(credential["validFrom"])
        and credential["nbf"] <= time.time()
        and ("exp" not in credential or credential["exp"] > time.time())
    )
    if not claims_ok:
        return {"verdict": "claims invalid"}
    entry = credential["credentialStatus"]
    body, headers = fetch(entry["statusListCredential"])
    status_list = verified_payload(body.decode())
    subject = status_list["credentialSubject"]
    assert subject["statusPurpose"] == entry["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")
    encoded = subject["encodedList"][1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert len(bits) * 8 >= 131_072
    index = int(entry["statusListIndex"])
    revoked = bool(bits[index // 8] & (0x80 >> (index % 8)))
    return {
        "verdict": "revoked" if revoked else "valid",
        "cache_control": headers.get("Cache-Control", ""),
        "name": credential["credentialSubject"]["achievement"]["name"],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))

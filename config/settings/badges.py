"""The key that signs Open Badges 3.0 credentials (the `badges` app, decision 0016). Imported by base.

- CREDO_BADGE_KEY_FILE: an RSA key of 2048 bits or more, as a PEM file or a PKCS#12 (.p12/.pfx)
  file; CREDO_BADGE_KEY_PASSPHRASE if the file is encrypted. Production refuses to start without
  a usable one (production.py).
- Without it, `make run` (and the tests) sign with a demo key generated on first use at
  CREDO_BADGE_DEMO_KEY (under var/, git-ignored): nothing to configure for a newcomer. Production
  settings set CREDO_BADGE_DEMO_KEY to "" (badges/tests use their own keys).
"""

from pathlib import Path

import environ

_env = environ.Env()
_VAR_DIR = Path(__file__).resolve().parent.parent.parent / "var"

CREDO_BADGE_KEY_FILE = _env.str("CREDO_BADGE_KEY_FILE", default="")
CREDO_BADGE_KEY_PASSPHRASE = _env.str("CREDO_BADGE_KEY_PASSPHRASE", default="")
CREDO_BADGE_DEMO_KEY = str(_VAR_DIR / "badges" / "demo-badge-key.pem")
# Seconds a verifier may cache a status list (Cache-Control max-age and the list's `ttl`): a
# revocation is visible to every verifier within this time. At most 60 (issue #18).
CREDO_BADGE_STATUS_MAX_AGE = 60

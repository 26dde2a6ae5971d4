"""allauth's rate limits (ACCOUNT_RATE_LIMITS in base.py). What each does while Redis is away:
docs/SECURITY.md."""

# allauth's rate limits are on by default; these make them explicit and a little stricter.
# (Bandit reads the keys with "password" in them as passwords; they are rate limits.)
# Failed sign-ins are counted per (account, client address) and, more slowly, per account
# (accounts/adapter.py builds the keys): a guesser elsewhere neither locks the person out quickly
# nor guesses freely from many addresses. "login_failed" is also what allauth counts wrong TOTP
# codes under, keyed on the account being verified: one account's failures never block another
# behind the same address. Every sign-in POST is still limited per address ("login").
ACCOUNT_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,10/h/key",
    "login_failed_account": "30/h/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",  # nosec B105
    "reset_password_from_key": "20/m/ip",  # nosec B105
    "change_password": "5/m/user",  # nosec B105
}

"""Who is chatting: consultants with a password, or an anonymous owner with a private guest identity.

Chainlit's data layer keeps threads (and lets them be resumed) only for an authenticated user, so even
anonymous owners get a user: the header-auth callback mints `guest-<random>` the first time a browser
comes, Chainlit puts it in its signed, HttpOnly auth cookie (valid `user_session_timeout`, 15 days),
and every later visit from that browser is the same guest with the same history. Nothing about the
owner is collected. With PITCHCHECK_USERS set the app is for consultants instead: password login only.
"""

from __future__ import annotations

import logging
import os
import secrets
import uuid
from pathlib import Path

import bcrypt

from chains.settings import Settings

log = logging.getLogger(__name__)

GUEST_PREFIX = "guest-"
SECRET_ENV = "CHAINLIT_AUTH_SECRET"
# A real bcrypt hash of a random string: checking an unknown name against it costs the same as a real check.
_DUMMY_HASH = bcrypt.hashpw(b"pitchcheck-no-such-user", bcrypt.gensalt(rounds=4))


class AuthConfigError(RuntimeError):
    """Login is misconfigured; the message says what to set."""


def parse_users(spec: str) -> dict[str, bytes]:
    """'name:bcrypt-hash' pairs, comma-separated, into {name: hash}. Raises AuthConfigError on a bad pair."""
    users: dict[str, bytes] = {}
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, hashed = part.partition(":")
        name, hashed = name.strip(), hashed.strip()
        if not sep or not name or not hashed.startswith("$2"):
            raise AuthConfigError(f"PITCHCHECK_USERS: '{name or part[:20]}' is not a 'name:bcrypt-hash' pair")
        users[name] = hashed.encode()
    return users


def check_password(users: dict[str, bytes], name: str, password: str) -> bool:
    hashed = users.get(name)
    try:
        ok = bcrypt.checkpw(password.encode(), hashed or _DUMMY_HASH)
    except ValueError:  # a malformed hash in the settings
        log.error("the stored hash for user %r is not a valid bcrypt hash", name)
        return False
    return ok and hashed is not None


def guest_identifier() -> str:
    return GUEST_PREFIX + uuid.uuid4().hex


def is_guest(identifier: str | None) -> bool:
    return bool(identifier) and identifier.startswith(GUEST_PREFIX)


def ensure_auth_secret(settings: Settings, users: dict[str, bytes]) -> str:
    """Make sure Chainlit can sign its auth cookie.

    Consultant logins need CHAINLIT_AUTH_SECRET set explicitly (fail at start otherwise). Anonymous use
    only signs guest identities, so a random secret is kept in the data directory and reused across
    restarts (so guests keep their history) unless CHAINLIT_AUTH_SECRET is set.
    """
    secret = os.environ.get(SECRET_ENV)
    if secret:
        return "env"
    if users:
        raise AuthConfigError(
            "PITCHCHECK_USERS is set, so consultants must log in, but CHAINLIT_AUTH_SECRET is missing. "
            "Generate one with `.venv/bin/chainlit create-secret` and set it in the environment."
        )
    path = Path(settings.data_dir) / "auth-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or not path.read_text(encoding="utf-8").strip():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_urlsafe(48))
    os.environ[SECRET_ENV] = path.read_text(encoding="utf-8").strip()
    return "generated"

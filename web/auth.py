"""Who is chatting: consultants with a password, or an anonymous owner with a private guest identity.

Chainlit's data layer keeps threads (and lets them be resumed) only for an authenticated user, so even
anonymous owners get a user: the header-auth callback mints `guest-<random>` the first time a browser
comes, Chainlit puts it in its signed, HttpOnly auth cookie (valid `user_session_timeout`, 15 days),
and every later visit from that browser is the same guest with the same history. Nothing about the
owner is collected. With PITCHCHECK_USERS set the app is for consultants instead: password login only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import time
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


def guest_user():
    """A new guest: what the header-auth callback returns for a browser that has no auth cookie yet."""
    import chainlit as cl

    return cl.User(identifier=guest_identifier(), display_name="Guest", metadata={"guest": True})


def is_guest(identifier: str | None) -> bool:
    return bool(identifier) and (identifier or "").startswith(GUEST_PREFIX)


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


# --- logging out ends the cookie ----------------------------------------------------------------------------------
class RevokedTokens:
    """Tokens ended by /logout, until they would have expired anyway.

    Chainlit's /logout only asks the browser to drop its cookie; the signed token itself stays valid for
    `user_session_timeout` (15 days), so a copy of the cookie kept working. A logged-out token's digest is
    kept in the data directory (shared by instances that share it, re-read when the file changes) and
    every token check refuses it.
    """

    def __init__(self, path: Path, clock=time.time):
        self.path = Path(path)
        self.clock = clock
        self._revoked: dict[str, float] = {}
        self._mtime: float | None = None

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    def _load(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            self._revoked, self._mtime = {}, None
            return
        if mtime == self._mtime:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("could not read the logged-out tokens file %s", self.path)
            return
        self._revoked = {k: float(v) for k, v in data.items() if isinstance(v, (int, float))}
        self._mtime = mtime

    def is_revoked(self, token: str) -> bool:
        self._load()
        return self.digest(token) in self._revoked

    def revoke(self, token: str, expires_at: float) -> None:
        from filelock import FileLock

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.path) + ".lock", timeout=10):
            self._mtime = None
            self._load()
            now = self.clock()
            kept = {k: v for k, v in self._revoked.items() if v > now}
            kept[self.digest(token)] = float(expires_at)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(kept), encoding="utf-8")
            os.replace(tmp, self.path)
            self._revoked, self._mtime = kept, self.path.stat().st_mtime


_revoked: RevokedTokens | None = None


def revoked_tokens() -> RevokedTokens | None:
    return _revoked


def end_tokens_on_logout(settings: Settings) -> RevokedTokens:
    """Make every token check (HTTP and socket: both go through chainlit.auth.decode_jwt) refuse logged-out tokens."""
    global _revoked
    import chainlit.auth as chainlit_auth

    _revoked = RevokedTokens(Path(settings.data_dir) / "logged-out-tokens.json")
    original = getattr(chainlit_auth.decode_jwt, "_pitchcheck_original", chainlit_auth.decode_jwt)
    store = _revoked

    def decode_jwt(token: str):
        if token and store.is_revoked(token):
            raise PermissionError("this token was ended by logging out")
        return original(token)

    decode_jwt._pitchcheck_original = original  # type: ignore[attr-defined]
    chainlit_auth.decode_jwt = decode_jwt
    return _revoked


def token_expiry(token: str) -> float:
    """The token's own expiry time (unverified read; only used to know how long to remember it)."""
    import jwt as pyjwt

    try:
        return float(pyjwt.decode(token, options={"verify_signature": False}).get("exp") or 0) or time.time() + 86400 * 30
    except Exception:
        return time.time() + 86400 * 30

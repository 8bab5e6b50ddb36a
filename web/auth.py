"""Staff accounts: argon2 password hashes, roles, and API tokens.

An API token has the form ``<staff id>.<secret>``; only an argon2 hash of it is stored
(``StaffUser.api_token_hash``), and the id lets us verify one hash instead of all of them.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from store.models import StaffRole, StaffUser
from store.types import MAX_ROW_ID, utcnow

_hasher = PasswordHasher()
# Verifying against this keeps the time for unknown e-mail addresses close to known ones.
_DUMMY_HASH = _hasher.hash("unused-dummy-password")
MIN_PASSWORD_LENGTH = 12


class StaffError(ValueError):
    """Bad input for a staff account; the message names the input and the problem."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(stored_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def end_sessions(user: StaffUser) -> None:
    """End every page session of the user (all devices, also copied cookies) from the next request on."""
    user.session_version += 1


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The active staff user with this e-mail and password, or None."""
    user = session.exec(select(StaffUser).where(StaffUser.email == normalise_email(email))).first()
    if user is None or not user.active or not user.password_hash:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.add(user)
    return user


def add_staff(
    session: Session, email: str, password: str, *, role: str = StaffRole.curator, name: str = ""
) -> StaffUser:
    """Create a staff account, or set a new password/role for an existing one."""
    email = normalise_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise StaffError(f"E-Mail-Adresse {email!r} ist ungültig.")
    if role not in {r.value for r in StaffRole}:
        raise StaffError(f"Rolle {role!r} ist unbekannt (erlaubt: admin, curator).")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"Das Passwort ist zu kurz: mindestens {MIN_PASSWORD_LENGTH} Zeichen.")
    user = session.exec(select(StaffUser).where(StaffUser.email == email)).first() or StaffUser(email=email)
    if user.password_hash:  # a new password: whoever was logged in with the old one is logged out
        end_sessions(user)
    user.password_hash = hash_password(password)
    user.role = role
    user.active = True
    if name:
        user.name = name
    session.add(user)
    session.flush()
    return user


def issue_api_token(session: Session, user: StaffUser) -> str:
    """A new API token for the user (the old one stops working); shown once, stored hashed."""
    token = f"{user.id}.{secrets.token_urlsafe(32)}"
    user.api_token_hash = _hasher.hash(token)
    session.add(user)
    return token


def user_for_api_token(session: Session, token: str) -> StaffUser | None:
    """The staff user (active or not: the caller decides) whose API token this is, or None."""
    staff_id, _, secret = token.partition(".")
    known_id = (
        secret and staff_id.isascii() and staff_id.isdigit() and len(staff_id) <= 10 and 0 < int(staff_id) <= MAX_ROW_ID
    )
    user = session.get(StaffUser, int(staff_id)) if known_id else None
    if user is None or not user.api_token_hash:
        _verify(_DUMMY_HASH, token)
        return None
    return user if _verify(user.api_token_hash, token) else None

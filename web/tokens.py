"""Magic-link tokens for member self-service.

A token is signed (itsdangerous, with its own salt), expires after
``FOERDERRADAR_MAGIC_LINK_MAX_AGE_SECONDS`` and can be redeemed once: its id (``jti``) goes into
``store.UsedToken`` when it is used, inside the same transaction that logs the member in.

Staff invitations to complete the profile are magic links too, but read days later: they are
signed with a salt of their own (``INVITATION``), so a login link can never be stretched to the
invitation's longer age, and the caller passes the age that belongs to the purpose.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from store.models import UsedToken

MAGIC_LINK_SALT = "foerderradar.magic-link"
LOGIN = "login"
INVITATION = "invitation"
_SALTS = {LOGIN: MAGIC_LINK_SALT, INVITATION: "foerderradar.invitation"}


class TokenError(ValueError):
    """A link that cannot be used; the message tells the person what to do."""


@dataclass(frozen=True)
class MagicLink:
    recipient_id: int
    member_id: int
    jti: str


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_SALTS[purpose])


def make_magic_token(secret: str, *, recipient_id: int, member_id: int, purpose: str = LOGIN) -> str:
    return _serializer(secret, purpose).dumps({"r": recipient_id, "m": member_id, "j": secrets.token_hex(16)})


def read_magic_token(secret: str, token: str, *, max_age: int, purpose: str = LOGIN) -> MagicLink:
    """Check signature and age without using the token up (for the confirmation page)."""
    try:
        data = _serializer(secret, purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError("Dieser Anmeldelink ist abgelaufen. Bitte fordern Sie einen neuen an.") from None
    except BadSignature:
        raise TokenError("Dieser Anmeldelink ist ungültig. Bitte fordern Sie einen neuen an.") from None
    try:
        return MagicLink(recipient_id=int(data["r"]), member_id=int(data["m"]), jti=str(data["j"]))
    except (KeyError, TypeError, ValueError):
        raise TokenError("Dieser Anmeldelink ist ungültig. Bitte fordern Sie einen neuen an.") from None


def redeem_magic_token(session: Session, secret: str, token: str, *, max_age: int, purpose: str = LOGIN) -> MagicLink:
    """Use the token up; a second use fails even if both arrive at the same moment."""
    link = read_magic_token(secret, token, max_age=max_age, purpose=purpose)
    if session.get(UsedToken, link.jti) is not None:
        raise TokenError("Dieser Anmeldelink wurde schon benutzt. Bitte fordern Sie einen neuen an.")
    session.add(UsedToken(jti=link.jti))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise TokenError("Dieser Anmeldelink wurde schon benutzt. Bitte fordern Sie einen neuen an.") from None
    return link

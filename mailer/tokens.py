"""Signed, expiring tokens for the links in a digest (unsubscribe, "passt / passt nicht").

The links are clicked from mail clients without a session, so the token itself is the
authority: it names the recipient (and for feedback the programme) and is signed with the
application secret. The verdict ("passt" / "passt nicht") is part of the link's path, not of the
token: the recipient may give either answer anyway, and one token per item instead of two halves
the signing work for a digest. Each purpose has its own salt, so a feedback token can
never be replayed as an unsubscribe token.

A reactivation token (the double opt-in of an unsubscribed address) also names the moment the
address was unsubscribed: it reactivates that unsubscription only, so an old confirmation mail
cannot undo a later unsubscribe.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERDICT_FITS = "passt"  # path segments of the feedback links
VERDICT_DOES_NOT_FIT = "passt-nicht"
UNSUBSCRIBE = "unsubscribe"
FEEDBACK = "feedback"
REACTIVATE = "reactivate"


class TokenError(ValueError):
    """The token is forged, damaged or expired; ``expired`` tells which, for the message."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class FeedbackClaim:
    recipient_id: int
    member_id: int
    programme_id: int
    match_id: int | None


@lru_cache(maxsize=16)
def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"foerderradar.mail.{purpose}")


def make_unsubscribe_token(secret_key: str, recipient_id: int) -> str:
    return _serializer(secret_key, UNSUBSCRIBE).dumps({"r": recipient_id})


def read_unsubscribe_token(secret_key: str, token: str, *, max_age_days: int) -> int:
    """The recipient id the token was issued for; raises TokenError otherwise."""
    data = _load(secret_key, UNSUBSCRIBE, token, max_age_days)
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise TokenError("Der Link ist unvollständig.")
    recipient_id: int = data["r"]
    return recipient_id


@dataclass(frozen=True)
class ReactivationClaim:
    recipient_id: int
    unsubscribed_at: str  # ISO timestamp of the recipient's status change the token answers


def make_reactivation_token(secret_key: str, claim: ReactivationClaim) -> str:
    return _serializer(secret_key, REACTIVATE).dumps({"r": claim.recipient_id, "s": claim.unsubscribed_at})


def read_reactivation_token(secret_key: str, token: str, *, max_age_days: int) -> ReactivationClaim:
    data = _load(secret_key, REACTIVATE, token, max_age_days)
    try:
        return ReactivationClaim(recipient_id=int(data["r"]), unsubscribed_at=str(data["s"]))
    except (KeyError, TypeError, ValueError):
        raise TokenError("Der Link ist unvollständig.") from None


def make_feedback_token(secret_key: str, claim: FeedbackClaim) -> str:
    return _serializer(secret_key, FEEDBACK).dumps(
        {"r": claim.recipient_id, "m": claim.member_id, "p": claim.programme_id, "x": claim.match_id}
    )


def read_feedback_token(secret_key: str, token: str, *, max_age_days: int) -> FeedbackClaim:
    data = _load(secret_key, FEEDBACK, token, max_age_days)
    try:
        return FeedbackClaim(
            recipient_id=int(data["r"]),
            member_id=int(data["m"]),
            programme_id=int(data["p"]),
            match_id=None if data.get("x") is None else int(data["x"]),
        )
    except (KeyError, TypeError, ValueError):
        raise TokenError("Der Link ist unvollständig.") from None


def _load(secret_key: str, purpose: str, token: str, max_age_days: int) -> Any:
    try:
        return _serializer(secret_key, purpose).loads(token, max_age=max_age_days * 86400)
    except SignatureExpired:
        raise TokenError("Der Link ist abgelaufen.", expired=True) from None
    except BadSignature:
        raise TokenError("Der Link ist ungültig.") from None

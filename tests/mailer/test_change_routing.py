"""Every change type reaches exactly the members who received or approved the programme, in German.

Each case is a labelled before/after pair of real records (``tests/fixtures/changes/pairs.json``):
the "before" is stored by a crawl, four towns stand in four relations to it, the "after" is
stored by the next crawl, and the week's digests are sent. The town that received the programme
reads the change under its German label; the town whose approved programme is still to be sent
gets the programme, and beside it only a change it must not miss; a proposal nobody approved and a
rejected one bring nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import mailbox
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core.changes import URGENT_CHANGE_TYPES
from core.labels import CHANGE_LABELS
from mailer.periods import current_period
from mailer.send import send_period
from store.ingest import Ingest
from store.models import Programme, ProgrammeRevision
from store.types import utcnow

PAIRS = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "changes" / "pairs.json").read_text("utf-8"))
# One pair per type that is labelled with that type alone.
CASES = {}
for _pair in PAIRS["pairs"]:
    if len(_pair["expected"]) == 1:
        CASES.setdefault(_pair["expected"][0], _pair)


def _store(engine, fields: dict, today: dt.date) -> None:
    ingest = Ingest(engine, "foerderdatenbank", source_name="Förderdatenbank des Bundes", today=today)
    ingest.add({"natural_key": "fdb-1", "url": "https://www.foerderdatenbank.de/p/1", "kind": "programme", **fields})
    ingest.finish(complete=True)


def _mails(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    box = mailbox.Maildir(path, create=False)
    mails = {}
    for key in box.iterkeys():
        message = message_from_bytes(box.get_bytes(key), policy=policy.default)
        mails[str(message["To"])] = message.get_body(preferencelist=("plain",)).get_content()
    return mails


def test_every_change_type_has_a_labelled_pair():
    assert set(CASES) == set(CHANGE_LABELS) - {"reappeared", "removed", "new_call", "reopened"}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_change_reaches_receivers_and_approvers_only(kind, engine, world, mail_config):
    pair = CASES[kind]
    today = dt.date.fromisoformat(pair["today"])
    _store(engine, pair["old"], today)
    with Session(engine) as session:
        programme = session.exec(select(Programme)).one()
    received = world.member("bottrop", recipients=["a@bottrop.example"])
    approved = world.member("herten", recipients=["a@herten.example"])
    proposed = world.member("gladbeck", recipients=["a@gladbeck.example"])
    rejected = world.member("marl", recipients=["a@marl.example"])
    world.match(received, programme.id, state="sent", sent_at=utcnow() - dt.timedelta(days=10))
    world.match(approved, programme.id)  # approved and released, not yet sent
    world.match(proposed, programme.id, state="proposed", released=False)
    world.match(rejected, programme.id, state="rejected", released=False)

    _store(engine, pair["new"], today)
    with Session(engine) as session:
        revision = session.exec(select(ProgrammeRevision)).one()
    assert kind in revision.change_types
    send_period(engine, mail_config, period=current_period(today), today=today)
    mails = _mails(mail_config.maildir_path)

    label = CHANGE_LABELS[kind]
    title = programme.title.split(" ")[0]
    urgent = kind in URGENT_CHANGE_TYPES
    assert f"- {label}: {title}" in mails["a@bottrop.example"]
    heading = "DRINGEND: BITTE JETZT PRÜFEN" if urgent else "ÄNDERUNGEN BEI BEREITS GEMELDETEN PROGRAMMEN"
    assert mails["a@bottrop.example"].index(heading) < mails["a@bottrop.example"].index(f"- {label}: ")
    herten = mails.get("a@herten.example", "")
    if kind == "closed":
        # the closed programme is no longer offered; the approving town still learns why it does not come
        assert f"- {label}: {title}" in herten and "NEUE FÖRDERANGEBOTE" not in herten
    else:
        assert "NEUE FÖRDERANGEBOTE FÜR SIE" in herten
        assert (f"- {label}: {title}" in herten) == urgent
    assert set(mails) <= {"a@bottrop.example", "a@herten.example"}

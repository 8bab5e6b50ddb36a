"""Bulk decisions on a programme, their one audit entry and their undo; release never touching a
sent digest. On SQLite and, with FOERDERRADAR_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from store import curation
from store.models import (
    AuditLog,
    Digest,
    DigestSend,
    Match,
    Member,
    Programme,
    ProgrammeLink,
    Recipient,
    Source,
)
from store.types import utcnow

MEMBERS = 53


@pytest.fixture
def proposals(engine):
    """A programme and its linked calendar entry, proposed to 53 members (one record each)."""
    with Session(engine, expire_on_commit=False) as session:
        session.add(Source(key="foerderdatenbank", name="Förderdatenbank des Bundes", level="bund"))
        session.flush()
        main = Programme(source_key="foerderdatenbank", natural_key="iki", title="Internationale Klimaschutzinitiative")
        entry = Programme(source_key="foerderdatenbank", natural_key="iki-frist", title="Frist: IKI")
        other = Programme(source_key="foerderdatenbank", natural_key="radwege", title="Radwege")
        session.add_all([main, entry, other])
        session.flush()
        session.add(ProgrammeLink(programme_id=main.id, other_id=entry.id, reason="gleicher Titel"))
        members = [
            Member(slug=f"m{n:02d}", name=f"Gemeinde {n:02d}", kind="kreisangehoerige_gemeinde") for n in range(MEMBERS)
        ]
        session.add_all(members)
        session.flush()
        matches = [
            Match(member_id=m.id, programme_id=(entry if n % 10 == 0 else main).id, score=30 + n % 40)
            for n, m in enumerate(members)
        ]
        unrelated = Match(member_id=members[0].id, programme_id=other.id, score=80)
        session.add_all([*matches, unrelated])
        session.commit()
        return {"main": main, "entry": entry, "members": members, "matches": matches, "unrelated": unrelated}


def _states(engine) -> dict[int, tuple[str, str]]:
    with Session(engine) as session:
        return {m.id: (m.state, m.reason) for m in session.exec(select(Match)).all()}


def test_one_action_rejects_a_programme_for_53_members_with_one_audit_entry(engine, proposals):
    ids = [m.id for m in proposals["matches"]]
    with Session(engine) as session:
        result = curation.bulk_decide(
            session,
            ids,
            approve=False,
            actor="kurator@rvr.ruhr",
            reason="not_eligible",
            programme_id=proposals["main"].id,
        )
        session.commit()
    assert (result.action, result.count) == ("match.bulk_reject", MEMBERS)
    states = _states(engine)
    assert {states[i] for i in ids} == {("rejected", "not_eligible")}
    assert states[proposals["unrelated"].id] == ("proposed", "")
    with Session(engine) as session:
        entries = session.exec(select(AuditLog)).all()
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.action, entry.object_type, entry.object_id) == (
        "match.bulk_reject",
        "programme",
        str(proposals["main"].id),
    )
    assert entry.details["count"] == MEMBERS and sorted(entry.details["match_ids"]) == sorted(ids)
    assert entry.details["reason"] == "not_eligible"


def test_undo_puts_the_last_bulk_action_back_once(engine, proposals):
    ids = [m.id for m in proposals["matches"]]
    with Session(engine) as session:
        result = curation.bulk_decide(session, ids, approve=False, actor="k@rvr.ruhr", reason="topic")
        session.commit()
    with Session(engine) as session:
        assert curation.last_bulk_action(session, "k@rvr.ruhr").id == result.audit_id
        assert curation.last_bulk_action(session, "jemand.anderes@rvr.ruhr") is None
        assert curation.undo_bulk(session, result.audit_id, actor="k@rvr.ruhr") == MEMBERS
        session.commit()
    states = _states(engine)
    assert {states[i] for i in ids} == {("proposed", "")}
    with Session(engine) as session:
        assert curation.last_bulk_action(session, "k@rvr.ruhr") is None
        with pytest.raises(curation.CurationError, match="bereits rückgängig"):
            curation.undo_bulk(session, result.audit_id, actor="k@rvr.ruhr")
        undo = session.exec(select(AuditLog).where(AuditLog.action == "match.bulk_undo")).one()
        assert undo.details["undone_id"] == result.audit_id and undo.details["count"] == MEMBERS
        # the proposals can be decided again
        again = curation.bulk_decide(session, ids, approve=True, actor="k@rvr.ruhr")
        assert again.count == MEMBERS


def test_undo_leaves_released_matches_alone(engine, proposals):
    ids = [m.id for m in proposals["matches"]]
    with Session(engine) as session:
        result = curation.bulk_decide(session, ids, approve=True, actor="k@rvr.ruhr")
        curation.release_member_digest(session, proposals["members"][5].id, period="2026-W49", actor="k@rvr.ruhr")
        session.commit()
    with Session(engine) as session:
        assert curation.undo_bulk(session, result.audit_id, actor="k@rvr.ruhr") == MEMBERS - 1
        session.commit()
    assert _states(engine)[ids[5]] == ("approved", "")


def test_bulk_skips_decided_matches_and_refuses_a_bad_reason(engine, proposals):
    ids = [m.id for m in proposals["matches"]]
    with Session(engine) as session:
        curation.approve(session, session.get(Match, ids[0]), actor="k@rvr.ruhr")
        with pytest.raises(curation.CurationError, match="unbekannt"):
            curation.bulk_decide(session, ids, approve=False, actor="k@rvr.ruhr", reason="weil")
        with pytest.raises(curation.CurationError, match="Notiz"):
            curation.bulk_decide(session, ids, approve=False, actor="k@rvr.ruhr", reason="other")
        result = curation.bulk_decide(session, ids, approve=False, actor="k@rvr.ruhr", reason="other", note="Zu spät")
        session.commit()
    assert result.count == MEMBERS - 1
    assert _states(engine)[ids[0]] == ("approved", "")


def test_release_never_touches_a_sent_digest(engine, proposals):
    member = proposals["members"][1]
    with Session(engine) as session:
        recipient = Recipient(member_id=member.id, email="a@b.example")
        session.add(recipient)
        digest = Digest(member_id=member.id, period="2026-W49", state="sent", released_by="erste@rvr.ruhr")
        session.add(digest)
        session.flush()
        session.add(
            DigestSend(
                digest_id=digest.id,
                recipient_id=recipient.id,
                period="2026-W49",
                message_id="<x@y>",
                state="sent",
                sent_at=utcnow(),
            )
        )
        curation.approve(session, session.get(Match, proposals["matches"][1].id), actor="k@rvr.ruhr")
        assert curation.digest_is_frozen(session, member.id, "2026-W49")
        assert not curation.digest_is_frozen(session, member.id, "2026-W50")
        assert curation.release_member_digest(session, member.id, period="2026-W49", actor="zweite@rvr.ruhr") == 1
        session.commit()
    with Session(engine) as session:
        digest = session.exec(select(Digest).where(Digest.member_id == member.id)).one()
        assert (digest.state, digest.released_by) == ("sent", "erste@rvr.ruhr")
        assert session.get(Match, proposals["matches"][1].id).released_at is not None
        entry = session.exec(select(AuditLog).where(AuditLog.action == "digest.release")).one()
        assert entry.details["digest_already_sent"] is True


def test_release_all_releases_every_member_with_approved_matches(engine, proposals):
    ids = [m.id for m in proposals["matches"]]
    with Session(engine) as session:
        curation.bulk_decide(session, ids[:10], approve=True, actor="k@rvr.ruhr")
        periods = {m.id: "2026-W49" for m in proposals["members"]}
        assert curation.release_digests(session, periods, actor="k@rvr.ruhr") == (10, 10)
        assert curation.release_digests(session, periods, actor="k@rvr.ruhr") == (0, 0)
        session.commit()
        assert len(session.exec(select(Digest)).all()) == 10

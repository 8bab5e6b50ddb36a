"""A magic-link request does the same work for known and unknown addresses before it answers.

Before, the handler looked the address up and sent the mail before answering (7.8 ms for a known,
3.7 ms for an unknown address). Now the answer goes out first and the look-up and the mail run as a
background task. Checked by what happens up to the moment the answer's last byte is sent (the SQL
statements run and the mails written), not by measuring time.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from store.models import Recipient, RecipientStatus


class AnswerRecorder:
    """Wraps the app: notes the SQL run and the mails written when the answer is complete."""

    def __init__(self, app, outbox) -> None:
        self.app, self.outbox = app, outbox
        self.statements: list[str] = []
        self.at_answer: tuple[list[str], int] | None = None
        event.listen(app.state.engine, "before_cursor_execute", self._statement)

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(" ".join(statement.split()))

    def start(self) -> None:
        self.statements.clear()
        self.at_answer = None

    async def __call__(self, scope, receive, send) -> None:
        async def noting_send(message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.at_answer = (list(self.statements), len(self.outbox()))
            await send(message)

        await self.app(scope, receive, noting_send)


@pytest.fixture
def recorder(app, outbox) -> AnswerRecorder:
    recorder = AnswerRecorder(app, outbox)
    yield recorder
    event.remove(app.state.engine, "before_cursor_execute", recorder._statement)


def request_link(recorder, browser_at, app, address: str, client: str):
    browser = browser_at(recorder, client)
    browser.page("/member/login")
    recorder.start()
    mails_before = len(recorder.outbox())
    response = browser.submit("/member/login", {"email": address})
    assert response.status_code == 200 and "Wenn die Adresse bei uns" in response.text
    statements_at_answer, mails_at_answer = recorder.at_answer
    return (statements_at_answer, mails_at_answer - mails_before), list(recorder.statements)


def test_known_and_unknown_addresses_do_the_same_work_before_the_answer(app, recorder, browser_at, outbox):
    (known_before, mails_at_known_answer), known_all = request_link(
        recorder, browser_at, app, "kaemmerei@schermbeck.de", "192.0.2.20"
    )
    (unknown_before, mails_at_unknown_answer), unknown_all = request_link(
        recorder, browser_at, app, "niemand@example.org", "192.0.2.21"
    )
    assert known_before == unknown_before  # the same statements, in the same order
    assert not any("recipient" in statement.lower() for statement in known_before)  # no look-up yet
    assert mails_at_known_answer == 0 and mails_at_unknown_answer == 0  # no new mail before the answer
    assert len(outbox()) == 1  # the known address got its link afterwards, the unknown one nothing
    assert any("recipient" in statement.lower() for statement in known_all[len(known_before) :])
    assert any("recipient" in statement.lower() for statement in unknown_all[len(unknown_before) :])


def test_suppressed_address_gets_no_link(app, recorder, browser_at, outbox, engine, world):
    from sqlmodel import Session

    with Session(engine) as session:
        recipient = session.get(Recipient, world.recipient_b.id)
        recipient.status = RecipientStatus.suppressed
        session.add(recipient)
        session.commit()
    request_link(recorder, browser_at, app, "bauamt@selm.de", "192.0.2.22")
    assert outbox() == []

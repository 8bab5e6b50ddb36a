"""Whether a programme suits a joint application of several towns.

Programmes that fund "interkommunale Zusammenarbeit", "Kooperationsvorhaben" or "Verbundvorhaben"
are worth doing together; the digest then names the other members that received the programme the
same week, so towns can apply together. The sentence that says so is kept for the reader.
"""

from __future__ import annotations

import re
from typing import Any

from core.sentences import split_sentences

_JOINT = re.compile(
    r"interkommunal\w*|Kooperationsvorhaben|Kooperationsprojekt\w*|kommunale\w*\s+Kooperation\w*"
    r"|Verbundvorhaben|Verbundprojekt\w*|gemeinsame\w*\s+Antr(?:a|ä)g\w*|mehrere\w*\s+(?:Kommunen|Gemeinden|Städte)"
    r"|Zusammenschl(?:uss|üsse)\s+(?:von|mehrerer)\s+(?:Kommunen|Gemeinden|Städten)",
    re.IGNORECASE,
)
TEXT_FIELDS = ("title", "teaser_text", "description_text", "eligibility_text")


def joint_application_sentence(programme: Any) -> str:
    """The first sentence that invites a joint or cooperative application; "" when none does."""
    for name in TEXT_FIELDS:
        text = getattr(programme, name, "") or ""
        if not isinstance(text, str) or not _JOINT.search(text):
            continue
        for sentence in split_sentences(text):
            if _JOINT.search(sentence):
                return sentence.strip()
    return ""

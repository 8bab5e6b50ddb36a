"""The one table of exit codes every ``foerderradar`` command ends with.

Schedulers, cron wrappers and systemd units act on these numbers, so they mean the same in every
command: a wrapper may retry on ``RETRY_LATER`` and alert on ``RUN_FAILED``. The README shows the
same table.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # everything done, nothing due is left
    RUN_FAILED = 1  # a run failed (crawl failed, a database that cannot be used, a permanent delivery failure)
    BAD_INPUT = 2  # bad usage or input: unknown option, member, file or value
    RETRY_LATER = 3  # work left for a later retry (mails queued after temporary failures)


# The README's table repeats these lines word for word (a test keeps them equal).
EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success: everything done, nothing due is left",
    ExitCode.RUN_FAILED: "a run failed: a crawl failed, the database cannot be used, a mail was refused for good",
    ExitCode.BAD_INPUT: "bad usage or input: unknown option, member, source, period or file",
    ExitCode.RETRY_LATER: "work left for a retry: mails wait after temporary failures, or a source was busy",
}

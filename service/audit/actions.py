"""Every action the code writes to the trail (``kind.verb``): the one list the search of
``/protokoll`` offers (``service.audit.labels.actions``, worded there).

A test collects the actions from the code itself (``tests/service/audit/test_labels.py``),
so a new action cannot be missing here, nor one stay here that nothing writes.
"""

from __future__ import annotations

# The verbs every service writes through ``service.records`` and ``audit.log_read``, and the
# steps of a definition's process: by verb, the kinds of object they are written for.
_COMMON = {
    "create": (
        "agenda_item",
        "attachment",
        "baseline",
        "body",
        "budget_line",
        "calendar_feed",
        "committee",
        "consultation",
        "deputyship",
        "issued_report",
        "measure",
        "meeting",
        "membership",
        "milestone",
        "obligation",
        "obligation_fulfilment",
        "paper",
        "person",
        "programme",
        "statement",
        "statement_condition",
        "statement_weighing",
        "user",
        "vote",
    ),
    "update": (
        "agenda_item",
        "attachment",
        "body",
        "budget_line",
        "committee",
        "consultation",
        "measure",
        "meeting",
        "membership",
        "milestone",
        "paper",
        "person",
        "programme",
    ),
    "read": (
        "attachment",
        "calendar_feed",
        "committee",
        "deadline",
        "issued_report",
        "measure",
        "meeting",
        "outbox",
        "paper",
        "person",
        "status_report",
        "user",
    ),
    "transition": ("measure", "paper"),
}

# Actions of one kind of object each.
_OWN = (
    "attachment.delete",
    "audit.disclosure",
    "audit.export",
    "audit.query",
    "audit.retention",
    "auth.locked",
    "auth.login",
    "auth.login_failed",
    "auth.logout",
    "auth.password_changed",
    "auth.token_revoked",
    "calendar_feed.revoke",
    "consultation.drop",
    "definition.load",
    "deputyship.withdraw",
    "issued_report.taken_note",
    "measure.import",
    "meeting.attendance",
    "meeting.cancel",
    "meeting.invite",
    "obligation.fulfil",
    "outbox.retry",
    "paper.carry_measures",
    "person.erase",
    "statement_condition.fulfil",
    "statement_request.close",
    "status_round.open",
    "user.deactivate",
    "user.reactivate",
    "user.set_roles",
    "user.set_temporary_password",
    "vote.correct",
)

ACTIONS = frozenset(
    {f"{kind}.{verb}" for verb, kinds in _COMMON.items() for kind in kinds} | set(_OWN)
)

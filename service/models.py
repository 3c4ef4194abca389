"""Imports every table so that ``SQLModel.metadata`` (and Alembic) sees the whole schema."""

from service.audit.models import AuditCheckpoint, AuditDetail, AuditEvent, AuditEventPerson
from service.auth.models import ApiToken, User
from service.bodies.models import Body
from service.committees.models import AgendaItem, Attendance, Committee, Meeting, Membership
from service.deadlines.models import Deadline
from service.definitions.models import StoredDefinition
from service.lifecycle.models import HistoryEntry
from service.measures.models import BudgetLine, Measure, Milestone, Programme, Statement
from service.papers.models import Consultation, Paper, PaperMeasure, Vote, VoteParticipant
from service.people.models import Person

__all__ = [
    "AgendaItem",
    "ApiToken",
    "Attendance",
    "AuditCheckpoint",
    "AuditDetail",
    "AuditEvent",
    "AuditEventPerson",
    "Body",
    "BudgetLine",
    "Committee",
    "Consultation",
    "Deadline",
    "HistoryEntry",
    "Measure",
    "Meeting",
    "Membership",
    "Milestone",
    "Paper",
    "PaperMeasure",
    "Person",
    "Programme",
    "Statement",
    "StoredDefinition",
    "User",
    "Vote",
    "VoteParticipant",
]

"""The measure domain's use cases, one function each, for every door.

The API routes, the web pages and the command line call these and only render what they
return: each checks access, validates, keeps to the process, writes history and audit, and
logs reads of non-public measures. The functions live in the modules beside this one, by
use case; this module is their public surface. Helpers named ``insert_...``, ``fire``,
``get_measure`` and ``list_measures`` check nothing and are for the system's
own work (demo, cascade, import after its own checks) and tests.
"""

from __future__ import annotations

from service.measures.creating import insert_measure, new_form, new_measure
from service.measures.editing import EditForm, read_for_edit, update_measure
from service.measures.firing import fire, fire_by_user, offers
from service.measures.overview import (
    BOARD_CARDS,
    OUTCOME_LABELS,
    SORTS,
    STATEMENT_LABELS,
    OverviewFilters,
    programme_choices,
    read_overview,
    responsible_choices,
    statement_states,
)
from service.measures.reading import (
    MeasureView,
    export_measures,
    get_measure,
    list_measures,
    log_list_read,
    log_measure_read,
    measure_id_with_code,
    names_of,
    page_measures,
    read_history,
    read_measure,
    read_page,
    read_part,
    visible_measure,
    written_measure,
)
from service.measures.repository import MeasureFilter
from service.measures.rules import answer_to_taken_code, end_state, is_decided, require_open

__all__ = [
    "BOARD_CARDS",
    "OUTCOME_LABELS",
    "SORTS",
    "STATEMENT_LABELS",
    "EditForm",
    "MeasureFilter",
    "MeasureView",
    "OverviewFilters",
    "answer_to_taken_code",
    "end_state",
    "export_measures",
    "fire",
    "fire_by_user",
    "get_measure",
    "insert_measure",
    "is_decided",
    "list_measures",
    "log_list_read",
    "log_measure_read",
    "measure_id_with_code",
    "names_of",
    "new_form",
    "new_measure",
    "offers",
    "page_measures",
    "programme_choices",
    "read_for_edit",
    "read_history",
    "read_measure",
    "read_overview",
    "read_page",
    "read_part",
    "require_open",
    "responsible_choices",
    "statement_states",
    "update_measure",
    "visible_measure",
    "written_measure",
]

"""The roles the definitions name, with their German labels for every page, mail and message.

Roles are codes in the definitions (``roles: [ag_leitung]``) and in the database; a person
reads the label. The service's permissions (``service.access``) use the same codes.
"""

from __future__ import annotations

from collections.abc import Iterable

ROLE_LABELS = {
    "ag_leitung": "AG-Leitung",
    "ag_mitglied": "AG-Mitglied",
    "sitzungsdienst": "Sitzungsdienst",
    "kaemmerei": "Kämmerei",
    "datenschutz": "Datenschutzbeauftragte/r",
    "informationssicherheit": "Informationssicherheitsbeauftragte/r",
    "personalrat": "Personalrat",
    "verwaltungsleitung": "Verwaltungsleitung (OB, Dezernenten)",
    "admin": "Administration",
    "revision": "Revision (Rechnungsprüfung)",
    "ratsmitglied": "Ratsmitglied",
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def role_labels(roles: Iterable[str]) -> str:
    """Several roles as a sentence names them: labels in the order of ``ROLE_LABELS``."""
    order = list(ROLE_LABELS)
    ranked = sorted(set(roles), key=lambda r: (order.index(r) if r in order else len(order), r))
    return ", ".join(role_label(r) for r in ranked)

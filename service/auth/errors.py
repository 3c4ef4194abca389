"""What can go wrong with logins and accounts, each with its own problem type."""

from __future__ import annotations

from service.errors import ServiceError
from workflow.roles import ROLE_LABELS, role_label

BEARER = {"WWW-Authenticate": "Bearer"}


class NotSignedIn(ServiceError):
    """No valid token where one is needed: 401 with the challenge ``WWW-Authenticate``."""

    status = 401
    slug = "nicht-angemeldet"
    title = "Nicht angemeldet"

    def __init__(self, detail: str = "Bitte mit einem Bearer-Token anmelden.") -> None:
        super().__init__(detail, headers=BEARER)


class LoginFailed(NotSignedIn):
    """One answer for an unknown user, a wrong password and a deactivated user alike."""

    def __init__(self) -> None:
        super().__init__("Benutzername oder Passwort ist falsch.")


class LoginThrottled(ServiceError):
    status = 429
    slug = "zu-viele-anmeldeversuche"
    title = "Zu viele Anmeldeversuche"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Zu viele fehlgeschlagene Anmeldungen. Bitte in "
            f"{retry_after} Sekunden erneut versuchen.",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class PasswordChangeRequired(ServiceError):
    status = 403
    slug = "password_change_required"
    title = "Passwort muss geändert werden"

    def __init__(self) -> None:
        super().__init__(
            "Ihr Passwort ist vorläufig. Bitte zuerst unter POST /api/v1/auth/password "
            "ein eigenes Passwort setzen."
        )


class PasswordRejected(ServiceError):
    slug = "passwort-abgelehnt"
    title = "Passwort abgelehnt"


class UnknownRole(ServiceError):
    slug = "rolle-unbekannt"
    title = "Unbekannte Rolle"

    def __init__(self, role: str) -> None:
        # Whoever typed the code (the command line, the API) reads which codes there are,
        # each beside its label.
        known = ", ".join(f"{label} ({code})" for code, label in ROLE_LABELS.items())
        super().__init__(f"Unbekannte Rolle „{role}“. Bekannt sind: {known}.", field="roles")
        self.role = role


class DuplicateUser(ServiceError):
    status = 409
    slug = "benutzer-existiert"
    title = "Benutzer existiert bereits"

    def __init__(self, username: str) -> None:
        super().__init__(f"Den Benutzer „{username}“ gibt es bereits.", field="username")


class AccountConflict(ServiceError):
    """A change that would lock the caller out or contradicts the account's state."""

    status = 409
    slug = "konto-konflikt"
    title = "Änderung nicht möglich"


class OwnRoles(AccountConflict):
    """Nobody changes their own roles: one administrator cannot widen their own rights."""

    slug = "eigene-rollen"
    title = "Eigene Rollen nicht änderbar"

    def __init__(self) -> None:
        super().__init__(
            "Sie können Ihre eigenen Rollen nicht ändern; das muss ein anderer Administrator tun.",
            field="roles",
        )


class DutiesNotSeparated(AccountConflict):
    """``admin`` together with a role that controls the administration on one account."""

    slug = "funktionstrennung"
    title = "Funktionstrennung verletzt"

    def __init__(self, controlling: list[str]) -> None:
        super().__init__(
            f"Die Rolle „{role_label('admin')}“ darf nicht mit "
            f"{' oder '.join(f'„{role_label(r)}“' for r in controlling)} auf demselben Konto "
            "liegen: Wer die Konten verwaltet, darf nicht zugleich das Protokoll kontrollieren "
            "(Funktionstrennung). Bitte dafür ein eigenes Konto anlegen.",
            field="roles",
        )


class InvalidDeputy(ServiceError):
    slug = "vertretung-ungueltig"
    title = "Vertretung ungültig"

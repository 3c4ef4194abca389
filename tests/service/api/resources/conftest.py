"""The users of the measure-side matrix, on the demo city (see ``tests/conftest.py``)."""

# One demo user per role; "anonym" sends no token.
USERS = {
    "anonym": None,
    "ag_leitung": "ag.leitung",
    "ag_mitglied": "ag.mitglied",
    "sitzungsdienst": "sitzungsdienst",
    "kaemmerei": "kaemmerei",
    "datenschutz": "datenschutz",
    "informationssicherheit": "informationssicherheit",
    "personalrat": "personalrat",
    "verwaltungsleitung": "dezernent",
    "admin": "admin",
    "revision": "revision",
}

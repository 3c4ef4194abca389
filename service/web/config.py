"""Texts of the legal pages, configurable per city (``RATSFLOW_IMPRINT_TEXT`` etc.).

Kept apart from ``service.config`` because only the web pages read them; the defaults say
plainly that they are placeholders, so a city notices before going live.
"""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDER = (
    "Dieser Text ist ein Platzhalter. Die Stadt hinterlegt ihn in der Einstellung {name}."
)


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RATSFLOW_", extra="ignore")

    site_name: str = "ratsflow – Beschlusssteuerung"
    imprint_text: str = _PLACEHOLDER.format(name="RATSFLOW_IMPRINT_TEXT")
    privacy_text: str = _PLACEHOLDER.format(name="RATSFLOW_PRIVACY_TEXT")
    accessibility_text: str = _PLACEHOLDER.format(name="RATSFLOW_ACCESSIBILITY_TEXT")


@lru_cache
def get_web_settings() -> WebSettings:
    return WebSettings()

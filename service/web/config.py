"""Texts of the legal pages, configurable per city (``RATSFLOW_IMPRINT_TEXT`` etc.).

Kept apart from ``service.config`` because only the web pages read them; the defaults say
plainly that they are placeholders, so a city notices before going live.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from service.runtime import Runtime

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


def site_settings(runtime: Runtime) -> WebSettings:
    """The deployment's texts with what the addressed body sets for itself laid over them
    (``bodies.settings``; a value the body leaves out is the environment's)."""
    defaults = get_web_settings()
    own = runtime.body.settings.given(*WebSettings.model_fields)
    return defaults.model_copy(update=own) if own else defaults

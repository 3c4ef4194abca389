"""Server-rendered German web pages, served by the same app as the API.

Each room of the product is one module under ``pages/`` with its own router; ``router``
below collects them, so a later page (Sitzungsdienst, Kämmerei, Fristen, ...) is one
module and one line in ``pages/__init__.py``.
"""

from service.web.pages import router

__all__ = ["router"]

"""What every template may use: the current language and the offered languages."""
from __future__ import annotations

from flask import Flask

from .i18n import current_language, offered_languages


def init_app(app: Flask) -> None:
    """Expose language helpers to Jinja."""
    app.jinja_env.globals.update(current_language=current_language, offered_languages=offered_languages)
    app.jinja_env.add_extension("jinja2.ext.do")

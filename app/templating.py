"""What every template may use: the current language, the offered languages, vendor assets."""
from __future__ import annotations

from flask import Flask

from .assets import vendor_url
from .i18n import current_language, offered_languages


def init_app(app: Flask) -> None:
    """Expose language and asset helpers to Jinja."""
    app.jinja_env.globals.update(
        current_language=current_language, offered_languages=offered_languages, vendor_url=vendor_url
    )
    app.jinja_env.add_extension("jinja2.ext.do")

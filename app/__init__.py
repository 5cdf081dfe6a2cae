"""Stegvis: self-assessments for labour-market programmes. `create_app` only wires.

Flask is imported inside the factory, not at the top: importing `app.services`,
`app.instruments` or `app.statistics` (from cron jobs, the message worker or a notebook) runs
this file first, and it must not pull the web framework in with it.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .config import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings → extensions → blueprints → error handlers → CLI."""
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True, static_folder=str(PROJECT_ROOT / "static"))
    settings = Settings.from_env()
    settings.check()
    app.config.from_mapping(settings.flask_config(app.instance_path))
    app.config.update(config or {})
    app.permanent_session_lifetime = app.config["SESSION_IDLE_MINUTES"] * 60
    os.makedirs(app.instance_path, exist_ok=True)

    from . import db, errors, instruments, passwords, security, templating, urls
    from .extensions import babel, compress, csrf, limiter, login_manager
    from .i18n import select_locale

    instruments.registry()  # a broken definition stops start-up here, naming file and field
    passwords.configure(app.config["PASSWORD_HASH_COST"])
    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    limiter.init_app(app)
    compress.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    urls.init_app(app)  # before the blueprints add their rules

    from . import admin, assets, auth, coach, evaluator, health, participant

    for module in (health, assets, auth, participant, coach, evaluator, admin):
        app.register_blueprint(module.bp)

    errors.init_app(app)
    from .cli import register_commands

    register_commands(app)
    return app

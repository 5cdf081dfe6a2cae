"""Browser checks: Debian's chromium driven by Playwright, axe-core for accessibility.

They skip, saying why, when /usr/bin/chromium or axe-core is missing (install with
`apt-get install chromium` and `npm i axe-core` in /tmp/axe, or set AXE_CORE_JS). Never run
`playwright install`: it downloads browsers. The app runs with werkzeug's `make_server` in a
thread on 127.0.0.1 with an SQLite file and real CSRF, and Chromium may not resolve any other
host, so a third-party request cannot succeed unnoticed.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE_CANDIDATES = [os.environ.get("AXE_CORE_JS", ""), "/tmp/axe/node_modules/axe-core/axe.min.js",
                  "node_modules/axe-core/axe.min.js"]
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def axe_source() -> str | None:
    for candidate in AXE_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    return None


@pytest.fixture(scope="session")
def axe():
    source = axe_source()
    if source is None:
        pytest.skip("axe-core not found: run `npm i axe-core` in /tmp/axe or set AXE_CORE_JS")
    return source


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing: apt-get install -y chromium")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app on 127.0.0.1 with an SQLite file, sv and ar offered; yields (app, base_url)."""
    from werkzeug.serving import make_server

    from app import create_app
    from app.config import PROJECT_ROOT
    from app.migrate import upgrade

    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'stegvis.sqlite'}"
    upgrade(url)
    translations = PROJECT_ROOT / "translations"
    if not all((translations / code / "LC_MESSAGES" / "messages.po").exists() for code in ("sv", "ar")):
        translations = folder / "translations"  # catalogs not written yet: offer sv and ar anyway
        for code in ("sv", "ar"):
            (translations / code / "LC_MESSAGES").mkdir(parents=True)
            (translations / code / "LC_MESSAGES" / "messages.po").write_text("", encoding="utf-8")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": os.urandom(32).hex(),
                      "BABEL_TRANSLATION_DIRECTORIES": str(translations),
                      "RATELIMIT_ENABLED": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()

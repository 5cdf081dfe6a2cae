"""Print the compressed weight of each participant page type: HTML + CSS + JS, gzip -9 and
brotli 11, against the 40 KB budget. Runs the app in-process on a throw-away SQLite file.

    .venv/bin/python bench/participant_page_weight.py
"""
from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from app.db import session_scope
from app.migrate import upgrade
from app.services import invitations
from tests.factories import make_participant

BUDGET = 40 * 1024
PAGES = [  # (page type, path)
    ("language", "/answer/language"),
    ("about", "/answer/about"),
    ("start (consent)", "/answer/health_wheel/start"),
    ("start (CEFR language)", "/answer/cefr/start"),
    ("question (scale 1-10)", "/answer/work_wheel/competence"),
    ("question (free text)", "/answer/work_wheel/other_text"),
    ("question (CEFR statements)", "/answer/cefr/listening"),
    ("question (KASAM 1-7)", "/answer/kasam13/q1"),
    ("results (work wheel chart)", "/answer/results"),
    ("short code", "/kod"),
]


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'weight.sqlite'}"
    upgrade(url)
    for code in ("sv", "ar"):
        (folder / "tr" / code / "LC_MESSAGES").mkdir(parents=True)
        (folder / "tr" / code / "LC_MESSAGES" / "messages.po").write_text("")
    os.environ.setdefault("STEGVIS_ENV", "development")  # synthetic data, a throwaway secret
    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "TESTING": True,
                      "BABEL_TRANSLATION_DIRECTORIES": str(folder / "tr")})
    with app.test_request_context(), session_scope(app) as session:
        invitation = invitations.issue(session, participant=make_participant(session),
                                       occasion_kind="intake",
                                       instrument_keys=["work_wheel", "health_wheel", "cefr", "kasam13"],
                                       environment="development")
        link = invitations.link_for(invitation, base_url="", secret=app.secret_key)
    client = app.test_client()
    client.get(link)
    client.post("/answer/language", data={"language": "sv"})
    for key, data in (("work_wheel", {}), ("health_wheel", {"consent": "store"}),
                      ("cefr", {"target_language": "sv"}), ("kasam13", {"consent": "store"})):
        client.post(f"/answer/{key}/start", data=data)
    for item in ("competence", "communication", "health", "network", "self_knowledge", "goals",
                 "mobility"):
        client.post(f"/answer/work_wheel/{item}", data={"value": "6"})
    client.post("/answer/work_wheel/other_text", data={"text": ""})  # completes the work wheel
    print(f"{'page type':30} {'html':>7} {'css+js':>7} {'gzip':>7} {'brotli':>7}  budget 40 KB")
    for name, path in PAGES:
        html = client.get(path).get_data()
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
        bodies = [html] + [client.get(asset.decode()).get_data() for asset in assets]
        zipped = sum(len(gzip.compress(body, 9)) for body in bodies)
        brotlied = sum(len(brotli.compress(body, quality=11)) for body in bodies)
        assert b"plotly" not in html.lower(), f"{name} loads plotly"
        print(f"{name:30} {len(html):7} {sum(map(len, bodies[1:])):7} {zipped:7} {brotlied:7}  "
              f"{'ok' if zipped <= BUDGET else 'OVER'}")


if __name__ == "__main__":
    main()

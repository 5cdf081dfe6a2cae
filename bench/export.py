"""Time the pseudonymised export (long and wide) on a seeded database and watch its memory.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/stegvis_bench \
        .venv/bin/python bench/export.py [--participants 10000 | --no-seed]

Seeds like bench/cohort_dashboard.py (or reuses its data with --no-seed), then writes each
layout's zip to a temporary file through the same `start_export` the web and CLI use, and
prints the time, the zip size and the peak resident memory of this process.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from app import create_app
from app.db import session_scope
from app.migrate import upgrade
from app.services.cohort import CohortFilter
from app.services.exports import start_export
from bench.cohort_dashboard import seed


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or sys.exit("Set DATABASE_URL to a database you may empty.")
    upgrade(url)
    os.environ.setdefault("STEGVIS_ENV", "development")  # synthetic data, a throwaway secret
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        if not args.no_seed:
            seed(app, args.participants)
        with session_scope(app) as session:
            org_id = session.exec(text("SELECT id FROM organisation")).first()[0]
            for layout in ("wide", "long"):
                started, before = time.perf_counter(), peak_mb()
                export = start_export(session, CohortFilter(organisation_id=org_id),
                                      evaluation="bench", layout=layout, threshold=5, via="bench")
                with tempfile.NamedTemporaryFile(suffix=".zip") as target:
                    size = export.write_to(target.name)
                print(f"export {layout:4s}: {time.perf_counter() - started:6.1f} s, zip "
                      f"{size / 1e6:6.1f} MB, peak RSS {peak_mb():.0f} MB (before {before:.0f} MB)",
                      flush=True)


if __name__ == "__main__":
    main()

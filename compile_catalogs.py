"""Build step: compile the gettext catalogs into the package, so `pip install .` (or a
wheel) serves every language, not only English.

A source checkout compiles them with `make compile-catalogs` next to the `.po` files; a built
package has no `translations/` beside it, so setuptools' `build_py` (named in pyproject.toml's
`[tool.setuptools.cmdclass]`) writes `app/translations/<code>/LC_MESSAGES/messages.mo` into
the build, where `app.config.translations_directory()` finds them. Fuzzy entries are left
out, as `pybabel compile` does.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools.command.build_py import build_py

SOURCE = Path(__file__).resolve().parent / "translations"
PACKAGE_DIRECTORY = Path("app") / "translations"


def compile_catalogs(source: Path, target: Path) -> list[str]:
    """Compile every `<code>/LC_MESSAGES/messages.po` under `source` into `target`; return
    the codes compiled."""
    compiled = []
    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        code = po.parent.parent.name
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=code)
        mo = target / code / "LC_MESSAGES" / "messages.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        compiled.append(code)
    return compiled


class BuildPyWithCatalogs(build_py):
    """setuptools' build_py, plus the compiled catalogs inside the built package."""

    def run(self) -> None:
        super().run()
        if not self.dry_run:
            compile_catalogs(SOURCE, Path(self.build_lib) / PACKAGE_DIRECTORY)

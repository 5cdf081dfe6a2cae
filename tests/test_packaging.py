"""The built package serves every language: the build step compiles the catalogs into it."""
import gettext
import tomllib

import pytest

from app import create_app, i18n
from app.catalogs import locales
from app.config import PROJECT_ROOT, SOURCE_TRANSLATIONS
from compile_catalogs import PACKAGE_DIRECTORY, compile_catalogs


def test_pyproject_runs_the_catalog_build_step():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = project["tool"]["setuptools"]
    assert setuptools["cmdclass"]["build_py"] == "compile_catalogs.BuildPyWithCatalogs"
    assert any(r.startswith("babel") for r in project["build-system"]["requires"])
    assert {"templates/**/*.html", "instruments/definitions/*.toml"} <= set(setuptools["package-data"]["app"])
    assert PACKAGE_DIRECTORY.as_posix() == "app/translations"


def test_the_build_step_compiles_every_catalog(tmp_path):
    assert compile_catalogs(SOURCE_TRANSLATIONS, tmp_path) == locales(SOURCE_TRANSLATIONS)
    for code in ("sv", "ar"):
        catalog = gettext.translation("messages", tmp_path, languages=[code])
        assert catalog.gettext("Next") not in ("", "Next")
    swedish = gettext.translation("messages", tmp_path, languages=["sv"])
    assert swedish.pgettext("work_wheel-1.health", "Health") == "Hälsa"


@pytest.fixture
def packaged_only(tmp_path, monkeypatch):
    """An app as installed from a wheel: no translations/ beside it, catalogs in the package."""
    compile_catalogs(SOURCE_TRANSLATIONS, tmp_path)
    monkeypatch.setattr("app.config.SOURCE_TRANSLATIONS", tmp_path / "not-here")
    monkeypatch.setattr("app.config.PACKAGED_TRANSLATIONS", tmp_path)
    i18n._catalog_exists.cache_clear()
    yield create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    i18n._catalog_exists.cache_clear()


def test_an_installed_package_serves_every_language(packaged_only):
    client = packaged_only.test_client()
    page = client.get("/kod", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert gettext.translation("messages", packaged_only.config["BABEL_TRANSLATION_DIRECTORIES"],
                               languages=["ar"]).gettext("Write your code") in page
    with packaged_only.app_context():
        assert {"sv", "en", "ar"} <= {language.code for language in i18n.offered_languages()}

"""The layers, read from the imports: like the access default-deny test, it teaches the fix.

Rules:
1. The core (services, instruments, statistics, charts, exports, models) runs without the web:
   no module of it imports flask, flask_*, click, werkzeug, wtforms or jinja2, directly or
   through another app module (importing `app.x.y` also runs `app/__init__.py` and
   `app/x/__init__.py`, so those count too). Command-line modules live in `app/cli/`.
2. A blueprint package (participant, coach, evaluator, admin, auth) imports no other one.
3. A view writes to the database only through a service: no `commit`/`add`/`delete`/… on a
   database session in a blueprint, and no `audit.record` (audit events belong to the use
   case's own transaction).

The checks are plain functions over source text, so the self-checks at the bottom prove that
each rule fails on a module that breaks it.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from app.config import PROJECT_ROOT

APP = PROJECT_ROOT / "app"
CORE_PACKAGES = ("services", "instruments", "statistics", "charts", "exports", "models")
BLUEPRINTS = ("participant", "coach", "evaluator", "admin", "auth")
WEB_ROOTS = frozenset({"flask", "click", "werkzeug", "wtforms", "jinja2", "flask_wtf", "flask_babel",
                       "flask_login", "flask_limiter", "flask_compress"})
WRITES = frozenset({"add", "add_all", "commit", "delete", "flush", "merge", "begin_nested",
                    "bulk_save_objects"})
STATEMENTS = frozenset({"exec", "execute"})  # a write only when given delete/update/insert
WRITE_STATEMENTS = frozenset({"delete", "update", "insert"})
SESSION_NAMES = frozenset({"db", "db_session", "database"})
FACTORY = "app"


def is_web(module: str) -> bool:
    root = module.split(".")[0]
    return root in WEB_ROOTS or root.startswith("flask_")


# -- reading imports ------------------------------------------------------------------------


def module_name(path: Path, root: Path = PROJECT_ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, *, is_package: bool, top_level: bool = False) -> set[str]:
    """Every module `source` imports (inside functions too, unless `top_level`), relative
    ones resolved; `from x import y` yields both x and x.y (y may be a module)."""
    package = module if is_package else module.rpartition(".")[0]
    tree = ast.parse(source)
    found: set[str] = set()
    for node in (tree.body if top_level else ast.walk(tree)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            found.add(origin)
            found.update(f"{origin}.{alias.name}" for alias in node.names)
    return found


def app_sources(app_dir: Path = APP) -> dict[str, tuple[str, bool]]:
    """Module name → (source, is_package) for every module of the app."""
    return {module_name(path, app_dir.parent): (path.read_text(encoding="utf-8"),
                                                path.name == "__init__.py")
            for path in app_dir.rglob("*.py")}


def import_graph(sources: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """Module → the modules it loads: what it imports, plus its parent packages (Python runs
    every `__init__.py` on the way to a module)."""
    graph: dict[str, set[str]] = {}
    for module, (source, is_package) in sources.items():
        # The factory imports Flask inside `create_app`, which the core never calls.
        loads = imports_of(source, module, is_package=is_package, top_level=module == FACTORY)
        parts = module.split(".")
        loads.update(".".join(parts[:i]) for i in range(1, len(parts)))
        graph[module] = {name for name in loads if name in sources or is_web(name)}
    return graph


def chain_to_web(module: str, graph: dict[str, set[str]]) -> list[str] | None:
    """The import chain from `module` to a web framework, or None (breadth-first: shortest)."""
    paths = {module: [module]}
    queue = [module]
    while queue:
        current = queue.pop(0)
        for loaded in sorted(graph.get(current, ())):
            if loaded in paths:
                continue
            paths[loaded] = paths[current] + [loaded]
            if is_web(loaded):
                return paths[loaded]
            queue.append(loaded)
    return None


# -- the rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    module: str
    rule: str
    detail: str
    fix: str

    def __str__(self) -> str:
        return f"{self.module}: {self.rule}: {self.detail}\n    how to fix: {self.fix}"


def core_violations(sources: dict[str, tuple[str, bool]], app: str = "app") -> list[Violation]:
    graph = import_graph(sources)
    found = []
    for module in sorted(sources):
        parts = module.split(".")
        if len(parts) < 2 or parts[1] not in CORE_PACKAGES:
            continue
        chain = chain_to_web(module, graph)
        if chain:
            found.append(Violation(
                module, "a core module reaches the web layer", " → ".join(chain),
                "pass what the code needs (secret, settings, clock, environment, translations) "
                "as arguments from the route or command; keep Flask and click in the blueprints "
                f"and {app}/cli/; import Flask inside functions of {app}/__init__.py only"))
    return found


def blueprint_violations(sources: dict[str, tuple[str, bool]]) -> list[Violation]:
    found = []
    for module, (source, is_package) in sorted(sources.items()):
        parts = module.split(".")
        if len(parts) < 2 or parts[1] not in BLUEPRINTS:
            continue
        reached: dict[str, str] = {}
        for name in sorted(imports_of(source, module, is_package=is_package)):
            other = name.split(".")
            if len(other) > 1 and other[0] == parts[0] and other[1] in BLUEPRINTS \
                    and other[1] != parts[1]:
                reached.setdefault(other[1], name)
        for name in reached.values():
            found.append(Violation(
                module, "a blueprint imports another blueprint", name,
                "move what both need into services/ (logic) or a shared web module "
                "(i18n.py, templating.py); each audience's package stands alone"))
    return found


def _writes_to_database(call: ast.Call) -> str | None:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    if func.attr == "record" and isinstance(receiver, ast.Name) and receiver.id == "audit":
        return "audit.record(…)"
    if func.attr in STATEMENTS:
        statement = call.args[0] if call.args else None
        if not (isinstance(statement, ast.Call)
                and getattr(statement.func, "id", None) in WRITE_STATEMENTS):
            return None
    elif func.attr not in WRITES:
        return None
    if isinstance(receiver, ast.Name) and receiver.id in SESSION_NAMES:
        return f"{receiver.id}.{func.attr}(…)"
    if isinstance(receiver, ast.Call) and getattr(receiver.func, "id", None) == "get_session":
        return f"get_session().{func.attr}(…)"
    return None


def view_write_violations(sources: dict[str, tuple[str, bool]]) -> list[Violation]:
    found = []
    for module, (source, _) in sorted(sources.items()):
        parts = module.split(".")
        if len(parts) < 2 or parts[1] not in BLUEPRINTS:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and (write := _writes_to_database(node)):
                found.append(Violation(
                    module, "a view writes to the database itself", f"line {node.lineno}: {write}",
                    "call one service function (a use case) that changes, audits and commits "
                    "in one transaction"))
    return found


def _report(violations: list[Violation]) -> str:
    return "\n" + "\n".join(str(v) for v in violations)


def test_core_modules_run_without_the_web_layer():
    violations = core_violations(app_sources())
    assert not violations, _report(violations)


def test_blueprints_do_not_import_each_other():
    violations = blueprint_violations(app_sources())
    assert not violations, _report(violations)


def test_views_write_to_the_database_only_through_services():
    violations = view_write_violations(app_sources())
    assert not violations, _report(violations)


def test_importing_the_core_loads_no_web_framework():
    """The same rule at run time, in a fresh interpreter: what the AST reading could miss
    (an import built from a string, a plugin) shows up in sys.modules."""
    core = sorted(module for module in app_sources()
                  if module.split(".")[1:2] and module.split(".")[1] in CORE_PACKAGES)
    script = (
        "import importlib, sys\n"
        f"for name in {core!r}: importlib.import_module(name)\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(WEB_ROOTS)!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, check=True,
                            capture_output=True, text=True)
    assert result.stdout.strip() == "[]", f"importing the core loaded {result.stdout.strip()}"


# -- self-checks: each rule fails on a module that breaks it ----------------------------------


def _tree(files: dict[str, str]) -> dict[str, tuple[str, bool]]:
    return {name.removesuffix(".__init__"): (source, name.endswith("__init__"))
            for name, source in files.items()}


CLEAN = {
    "app.__init__": "def create_app():\n    from flask import Flask\n    return Flask('x')\n",
    "app.tokens": "import itsdangerous\n",
    "app.services.__init__": "",
    "app.services.invitations": "from ..tokens import x\nfrom . import audit\n",
    "app.services.audit": "",
    "app.coach.__init__": "from flask import Blueprint\n",
    "app.coach.routes": "from ..services import invitations\n"
                        "def view():\n    invitations.revoke(get_session(), invitation=1)\n",
    "app.participant.__init__": "from flask import Blueprint\n",
}


def test_self_check_a_clean_tree_passes():
    tree = _tree(CLEAN)
    assert core_violations(tree) == []
    assert blueprint_violations(tree) == []
    assert view_write_violations(tree) == []


def test_self_check_a_core_module_importing_flask_fails():
    tree = _tree({**CLEAN, "app.services.invitations": "from flask import current_app\n"})
    (violation,) = core_violations(tree)
    assert violation.module == "app.services.invitations"
    assert violation.detail == "app.services.invitations → flask"
    assert "pass what the code needs" in str(violation)


def test_self_check_flask_reached_through_another_module_fails():
    tree = _tree({**CLEAN, "app.tokens": "from flask import current_app\n"})
    (violation,) = core_violations(tree)
    assert violation.detail == "app.services.invitations → app.tokens → flask"


def test_self_check_flask_in_a_package_init_fails():
    tree = _tree({**CLEAN, "app.__init__": "from flask import Flask\n"})
    assert {v.module for v in core_violations(tree)} == {
        "app.services", "app.services.audit", "app.services.invitations"}


def test_self_check_a_blueprint_importing_another_fails():
    tree = _tree({**CLEAN, "app.coach.routes": "from ..participant import flow\n"})
    (violation,) = blueprint_violations(tree)
    assert (violation.module, violation.detail) == ("app.coach.routes", "app.participant")


def test_self_check_a_view_committing_itself_fails():
    view = ("from ..services import audit\n"
            "def view():\n    db = get_session()\n    db.add(thing)\n"
            "    audit.record(db, action='x')\n    get_session().commit()\n"
            "    db.exec(select(Thing))\n    db.exec(delete(Thing))\n")
    tree = _tree({**CLEAN, "app.coach.routes": view})
    details = [v.detail for v in view_write_violations(tree)]
    assert details == ["line 4: db.add(…)", "line 5: audit.record(…)",
                       "line 6: get_session().commit(…)", "line 8: db.exec(…)"]

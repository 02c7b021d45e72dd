"""The house keeps its shape: imports run only downward (jobs -> office -> intake, sop,
letters -> templates), intake, sop and letters never import each other, nothing imports jobs,
jobs reaches below the office only where a runner holds the mail servers, no import cycle,
small modules and functions, and every write to a cached table of the book passes through the
book's write helpers. README's "How it works" states the same rules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("intake", "sop", "letters", "office", "jobs", "templates")
# Which packages each package may import (besides itself). The three below office are side by
# side: none imports another (letters takes plain data, the parse worker's files are written in
# jobs). jobs calls the office; only the runners below reach past it, as README says.
ALLOWED = {
    "templates": set(),
    "intake": set(),
    "sop": {"templates"},
    "letters": {"templates"},
    "office": {"intake", "sop", "letters", "templates"},
    "jobs": {"office", "templates"},
}
# The runners that hold the mail servers, and what each may take from below the office: the IMAP
# mailbox adapter and its OAuth2 login (the daemon, and `periksa` trying the login), and for the
# one SMTP client the outbox it drains (its rows' tokens kept out of the logs, the return path,
# TLS and OAuth2). Only these may also use the book's methods directly (`.book.`).
RUNNERS = {
    "jobs.daemon": {"intake.mailbox", "intake.oauth"},
    "jobs.doctor": {"intake.mailbox"},
    "jobs.incoming": {"intake.mailbox"},
    "jobs.outgoing": {"intake.classify", "intake.oauth", "intake.tls", "letters.mail", "sop.book"},
}
# Temporary: modules whose owners' branches were in flight and still reached past the office.
# Every one has moved to RUNNERS with what it needs or goes through office/.
NOT_YET_THROUGH_OFFICE: set[str] = set()
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported anywhere in the file (in functions too)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                out.add(name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def test_imports_run_only_downward_and_nothing_imports_jobs():
    wrong = []
    for module, targets in _graph().items():
        package = module.split(".")[0]
        allowed_here = RUNNERS.get(module, set())
        for target in targets:
            other = target.split(".")[0]
            if other != package and other not in ALLOWED[package] and target not in allowed_here \
                    and module not in NOT_YET_THROUGH_OFFICE:
                wrong.append(f"{module} -> {target}")
    assert not wrong, wrong


def test_jobs_calls_the_office_and_never_the_book_itself():
    """Every read and write a command, the daemon, the desk or the public pages make is an
    office function (a read of personal data recorded there): outside the runners no module of
    jobs/ touches an office's `.book`, nor opens a book by its class."""
    wrong = []
    for name, path in _modules().items():
        if not name.startswith("jobs.") or name in RUNNERS or name in NOT_YET_THROUGH_OFFICE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "book" or \
                    isinstance(node, ast.Name) and node.id == "Book":
                wrong.append(f"{name}:{node.lineno}")
    assert not wrong, wrong


def test_the_exceptions_are_runners_that_exist_and_use_what_they_are_allowed():
    """A runner's allowance names modules below the office that it imports; a stale entry (or a
    module that no longer needs it) would quietly widen the rule."""
    graph = _graph()
    for module, allowed in RUNNERS.items():
        assert module in graph, module
        assert allowed <= graph[module], (module, allowed - graph[module])
        assert not {m.split(".")[0] for m in allowed} & {"office", "jobs"}, module
    assert not set(RUNNERS) & NOT_YET_THROUGH_OFFICE


def test_the_rules_forbid_every_sideways_and_upward_edge():
    """The table itself: a package below office importing a sibling, anything importing
    jobs, or any edge that closes a loop between packages would be a wrong table."""
    below = ("intake", "sop", "letters")
    for package in below:
        assert not ALLOWED[package] & (set(below) | {"office", "jobs"}), package
    assert not any("jobs" in allowed for allowed in ALLOWED.values())
    assert not [(a, b) for a in ALLOWED for b in ALLOWED[a] if a in ALLOWED[b]]


def test_readme_draws_the_rules_the_test_enforces():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## How it works"):]
    section = section[:section.index("\n## ", 3)]
    for package, allowed in ALLOWED.items():
        line = next((ln for ln in section.splitlines() if ln.startswith(f"- `{package}` may import")), None)
        assert line, f"README's How it works has no line saying what {package} may import"
        named = set(re.findall(r"`(\w+)`", line.partition("may import")[2].partition(";")[0]))
        assert named == allowed, (package, named, allowed)
    runners = section[section.index("- `jobs` may import"):].split("\n- ")[0]
    for module, allowed in RUNNERS.items():
        assert f"`{module}`" in runners and all(f"`{m}`" in runners for m in allowed), (module, allowed)


def test_there_is_no_import_cycle():
    graph = _graph()
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, cycles


def test_modules_and_functions_stay_small():
    big = []
    for name, path in _modules().items():
        lines = path.read_text().count("\n")
        if lines > MAX_MODULE_LINES:
            big.append(f"{name}: {lines} lines")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    big.append(f"{name}.{node.name}: {length} lines")
    assert not big, big


def test_every_package_says_what_it_holds_and_may_import():
    for package in PACKAGES:
        doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text()))
        assert doc and "import" in doc, f"{package}/__init__.py needs a docstring saying what it may import"


def test_every_write_to_a_cached_table_passes_through_the_write_helpers():
    from sop.book.cache import CACHED

    source = "".join(path.read_text() for path in sorted((ROOT / "sop" / "book").glob("*.py")))
    direct = re.findall(r"conn\.execute(?:many)?\(\s*f?\"(?:UPDATE|DELETE FROM|INSERT INTO) (\w+)", source)
    assert not [t for t in direct if t in CACHED], direct


def test_the_engine_decides_from_data_alone():
    """advance() is given every fact up front: nothing it imports reaches the book or the
    files, and none of its parameters is a call back into the office."""
    import inspect

    from sop.engine import advance

    graph, seen, todo = _graph(), set(), ["sop.engine"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph[module])
    storage = {"sop.schema", "sop.schema_later", "sop.files"}
    assert not seen & storage and not [m for m in seen if m.split(".")[:2] == ["sop", "book"]], seen
    callbacks = [p.name for p in inspect.signature(advance).parameters.values() if "Callable" in str(p.annotation)]
    assert not callbacks, callbacks


def test_every_effect_the_engine_can_ask_for_has_its_applier():
    """office.apply walks the effects by a table: an effect added to sop.effects without its
    applier would fail at the first complaint that needs it, so the table is checked here."""
    import dataclasses
    import inspect

    from office.apply import APPLIERS
    from sop import effects

    source = inspect.getsource(effects)
    listed = source[source.index("# Effects"):source.index("class Outcome")]
    kinds = {cls for name, cls in vars(effects).items()
             if dataclasses.is_dataclass(cls) and f"class {name}:" in listed}
    assert kinds and kinds == set(APPLIERS), kinds ^ set(APPLIERS)


def test_every_read_of_personal_data_is_recorded_through_the_one_access_recorder():
    # A read, a download or a refused download is written to the access trail by
    # office.privacy.record_access alone, so that the trail has one shape and one transaction rule.
    read = re.compile(r"\.book\.audit(?:\.record)?\([^)]*\"[a-z-]*(?:baca|unduh)[a-z-]*\"")
    direct = [f"{path.relative_to(ROOT)}:{n}" for package in ("office", "jobs")
              for path in sorted((ROOT / package).rglob("*.py"))
              if path.name != "privacy.py"
              for n, line in enumerate(path.read_text().splitlines(), 1) if read.search(line)]
    assert direct == []

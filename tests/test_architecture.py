"""The apps depend on each other in one direction only (docs/ARCHITECTURE.md, house style):
outbox <- core <- accounts <- programs <- modules, practicums <- certificates <- recertification;
core <- signing <- certificates (PDF signatures).

Each app may import only the apps to its left; `outbox` (the transactional task outbox, decision
0012) imports no app, `core` only `outbox` (its mail queue writes there); `modules` and
`practicums` do not import each other. `config` composes pages from every app and may import them all; the
cross-app tests in tests/ and the benchmarks in bench/ may too. Read
from the source with `ast`, so an import inside a function counts the same as one at the top."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ALLOWED: dict[str, set[str]] = {
    "outbox": set(),
    "core": {"outbox"},
    "accounts": {"outbox", "core"},
    "signing": {"outbox", "core"},  # PDF signatures: any app's files, no app's rules
    "programs": {"outbox", "core", "accounts"},
    "modules": {"outbox", "core", "accounts", "programs"},
    "practicums": {"outbox", "core", "accounts", "programs"},
    "certificates": {"outbox", "core", "accounts", "programs", "modules", "practicums", "signing"},
    "recertification": {
        "outbox",
        "core",
        "accounts",
        "programs",
        "modules",
        "practicums",
        "signing",
        "certificates",
    },
    "badges": {
        "outbox",
        "core",
        "accounts",
        "programs",
        "modules",
        "practicums",
        "signing",
        "certificates",
        "recertification",
    },
    # The program dashboard (issue #20): it reads every app's figures.
    "insight": {
        "outbox",
        "core",
        "accounts",
        "programs",
        "modules",
        "practicums",
        "signing",
        "certificates",
        "recertification",
    },
}
PACKAGES = set(ALLOWED) | {"config"}

# An app's own tests may also use `config` (the Celery app, the composed pages' URLs).
TESTS_MAY_IMPORT = {"config"}

# Known edges against the direction, each with its reason. Keep this list short; empty is the aim.
EXCEPTIONS: set[tuple[str, str]] = {
    # A program's page lists its practicums, and importing a practicum roster enrolls in the
    # program: these tests build practicums to check programs' pages and services. They belong
    # with practicums' tests (or tests/) once someone moves them.
    ("programs/tests/test_pages.py", "practicums"),
    ("programs/tests/test_services.py", "practicums"),
    # The public /verify/ page also checks an Open Badge (issue #18): its view asks
    # badges.selectors.jws_check. It moves to config (the composition root) if the page grows.
    ("certificates/views.py", "badges"),
}


def imported_packages(path: Path, package: str) -> set[str]:
    """Our top-level packages the file imports (relative imports resolve to its own package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(package if node.level else (node.module or "").split(".")[0])
    return found & PACKAGES


def app_files(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def test_every_app_imports_only_the_apps_below_it():
    wrong = []
    for app, allowed in ALLOWED.items():
        for path in app_files(app):
            extra = TESTS_MAY_IMPORT if "tests" in path.relative_to(ROOT).parts else set()
            for target in sorted(imported_packages(path, app) - allowed - extra - {app}):
                if (str(path.relative_to(ROOT)), target) not in EXCEPTIONS:
                    wrong.append(f"{path.relative_to(ROOT)} imports {target}")
    assert wrong == []


def test_the_check_reads_imports_of_every_kind(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "import accounts.models\nfrom programs.dates import x\nfrom . import y\n"
        "def f():\n    from config import settings\n    import os\n"
    )
    assert imported_packages(source, "core") == {"accounts", "programs", "core", "config"}


def test_each_app_has_files_to_check():
    assert all(app_files(app) for app in ALLOWED)


def test_every_exception_is_still_needed():
    """An exception whose import is gone is removed from the list, so the list only shrinks."""
    stale = [(f, t) for f, t in EXCEPTIONS if t not in imported_packages(ROOT / f, f.split("/")[0])]
    assert stale == []

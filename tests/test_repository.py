"""The code base itself: what it imports from libraries, and a test run leaves the tree clean."""

import ast
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

import conftest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"config", "core", "accounts", "programs", "modules", "practicums", "certificates", "recertification"}


def test_no_app_imports_a_librarys_private_module():
    """A library's `_private` module can change in any release (pypdf's `_page` did); use what
    the library exports."""
    found = []
    for package in sorted(OURS):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                for name in names:
                    parts = name.split(".")
                    if parts[0] not in OURS and any(p.startswith("_") for p in parts[1:]):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert found == []


def git_checkout(path: Path) -> Path:
    git = shutil.which("git")
    if git is None:
        pytest.skip("needs git")
    subprocess.run([git, "init", "-q", str(path)], check=True)
    (path / ".gitignore").write_text("var/\n")
    (path / "tracked.py").write_text("")
    subprocess.run([git, "-C", str(path), "add", ".gitignore", "tracked.py"], check=True)
    return path


def fake_session() -> SimpleNamespace:
    config = SimpleNamespace(
        stash=pytest.Stash(), pluginmanager=SimpleNamespace(get_plugin=lambda name: None)
    )
    return SimpleNamespace(config=config, exitstatus=pytest.ExitCode.OK)


def test_untracked_files_lists_new_files_but_not_ignored_or_tracked_ones(tmp_path):
    root = git_checkout(tmp_path)
    (root / "var").mkdir()
    (root / "var" / "db.sqlite3").write_text("")
    (root / "deep" / "er").mkdir(parents=True)
    (root / "deep" / "er" / "left.txt").write_text("")
    assert conftest.untracked_files(root) == {"deep/er/left.txt"}
    assert conftest.untracked_files(tmp_path / "not-a-checkout") is None


def test_a_run_that_leaves_an_untracked_file_fails(tmp_path, monkeypatch):
    root = git_checkout(tmp_path)
    (root / "there-before.txt").write_text("")
    monkeypatch.setattr(conftest, "ROOT", root)
    clean, dirty = fake_session(), fake_session()
    for session in (clean, dirty):
        conftest.pytest_sessionstart(session)
    conftest.pytest_sessionfinish(clean, pytest.ExitCode.OK)
    assert clean.exitstatus == pytest.ExitCode.OK
    (root / "control").mkdir()
    (root / "control" / "broker.msg").write_text("")
    conftest.pytest_sessionfinish(dirty, pytest.ExitCode.OK)
    assert dirty.exitstatus == pytest.ExitCode.TESTS_FAILED


def test_the_image_leaves_out_what_git_ignores():
    """`COPY . .` must not put a developer's .venv, var/ (database, media, mail) or .env in the
    image: each .gitignore pattern is in .dockerignore, anywhere in the tree as git means it."""
    ignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    docker = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {f"**/{pattern}" for pattern in ignored} - docker == set()
    assert ".git" in docker


MAX_LINES = 400


def test_no_tracked_python_file_is_longer_than_400_lines():
    """A module that grows past one screen of scrolling is split by subject (house style)."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("needs git")
    listed = subprocess.run([git, "-C", str(ROOT), "ls-files", "-z", "*.py"], capture_output=True, check=True)
    long = {}
    for name in listed.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            lines = len((ROOT / name).read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                long[name] = lines
    assert long == {}


def test_make_test_collects_every_apps_tests():
    """`make test` runs pytest's testpaths: an app whose tests are missing from it is never
    tested (the insight, badges and signing tests were not, until this test)."""
    import tomllib

    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    testpaths = set(options["testpaths"])
    with_tests = {path.parent.name for path in ROOT.glob("*/tests/__init__.py")} | {"tests"}
    assert with_tests - testpaths == set()

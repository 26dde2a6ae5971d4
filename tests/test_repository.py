"""The code base itself: what it imports from libraries."""

import ast
from pathlib import Path

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

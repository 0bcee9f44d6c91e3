"""The apps depend one way: patients <- programs <- notifications.

A lower app never imports a higher one, not even inside a function: every import
statement of every module of an app (migrations and management commands too) is
read from the source.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("patients", "programs", "notifications")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports(app: str) -> list[str]:
    higher = set(LAYERS[LAYERS.index(app) + 1 :])
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for line, module in imported_modules(path)
        if module.split(".")[0] in higher
    ]


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_a_lower_app_imports_nothing_from_a_higher_one(app):
    assert upward_imports(app) == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from programs.selectors import x\n    import notifications\n")
    assert imported_modules(module) == [(2, "programs.selectors"), (3, "notifications")]

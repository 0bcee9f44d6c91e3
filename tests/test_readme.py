"""The README's commands work as written on a machine set up as it says."""

from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_the_postgresql_section_creates_the_database_before_using_it():
    text = section("Running against PostgreSQL and Redis")
    assert "createdb" in text
    assert text.index("createdb") < text.index("manage.py up")

"""The type checker's rules that mypy itself cannot enforce (docs/decisions.md, "mypy over
the whole package"): every ``type: ignore`` in the package names its error code and says
why, and the configuration keeps checking the whole package with the engine strict."""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "crosspaths"
# "# type: ignore[code]  # why" (several codes allowed, comma-separated).
EXPLAINED = re.compile(r"# type: ignore\[[a-z0-9-]+(,[a-z0-9-]+)*\]  # \S")


def unexplained_ignores(source: str) -> list[int]:
    """The lines of ``source`` whose ``type: ignore`` comment lacks a code or a reason
    (comments only: a string that mentions the words is not one)."""
    lines = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT or not re.search(r"type:\s*ignore", token.string):
            continue
        if not EXPLAINED.search(token.string):
            lines.append(token.start[0])
    return lines


def test_every_type_ignore_in_the_package_names_its_code_and_says_why():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in unexplained_ignores(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_check_refuses_a_bare_ignore_a_code_without_a_reason_and_accepts_both():
    source = (
        "a = f()  # type: ignore\n"
        "b = f()  # type: ignore[attr-defined]\n"
        "c = f()  # type:ignore[misc]  # no space after the colon\n"
        "d = f()  # type: ignore[arg-type]  # the stub is narrower than Django\n"
        "e = f()  # type: ignore[index,attr-defined]  # filled by the parent process\n"
        's = "# type: ignore"\n'
    )
    assert unexplained_ignores(source) == [1, 2, 3]


def test_mypy_checks_the_whole_package_with_the_django_plugin_and_a_strict_engine():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = config["tool"]["mypy"]
    assert mypy["files"] == ["crosspaths"]
    assert "mypy_django_plugin.main" in mypy["plugins"]
    assert mypy["check_untyped_defs"] and mypy["warn_unused_ignores"]
    assert "strict" not in mypy  # global only: it would apply to every module
    engine = next(o for o in mypy["overrides"] if "crosspaths.matching.*" in o["module"])
    assert all(
        engine[flag]
        for flag in (
            "disallow_untyped_defs",
            "disallow_incomplete_defs",
            "disallow_any_generics",
            "disallow_untyped_calls",
            "warn_return_any",
            "no_implicit_reexport",
            "strict_equality",
        )
    )

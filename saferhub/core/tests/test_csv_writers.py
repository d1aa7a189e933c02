"""Every CSV the code writes goes through saferhub.core.csv, so that no cell opens as a formula.

The test reads the source of every module outside the tests and fails on anything else that writes CSV:
the csv module's writers, pandas' to_csv, Arrow's write_csv, DuckDB's COPY ... (FORMAT CSV), and rows joined
by hand (a comma-joined string with a line ending, or joined again by line endings, or written out).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GUARD = ROOT / "saferhub" / "core" / "csv.py"
SEPARATORS = {",", ";", "\t", "|"}
LINE_ENDS = ("\n", "\r")


def _modules() -> list[Path]:
    return sorted(
        path
        for folder in (ROOT / "saferhub", ROOT / "config")
        for path in folder.rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts and path != GUARD
    )


def _text_of(node: ast.AST) -> str:
    """The literal text in an expression (constants and the constant parts of f-strings)."""
    return "".join(
        part.value
        for part in ast.walk(node)
        if isinstance(part, ast.Constant) and isinstance(part.value, str)
    )


def _is_separator_join(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and isinstance(node.func.value, ast.Constant)
        and node.func.value.value in SEPARATORS
    )


def _joins_inside(node: ast.AST) -> bool:
    return any(_is_separator_join(part) for part in ast.walk(node))


def _call_writes_csv(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name in {"writer", "DictWriter"} and (
        isinstance(func, ast.Name) or (isinstance(func.value, ast.Name) and func.value.id == "csv")
    ):
        return f"csv.{name}"
    if name in {"to_csv", "write_csv"}:
        return name
    if name in {"write", "writelines"} and any(_joins_inside(arg) for arg in node.args):
        return "a row joined by hand, written"
    if (
        name == "join"
        and isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Constant)
        and str(func.value.value).startswith(LINE_ENDS)
        and any(_joins_inside(arg) for arg in node.args)
    ):
        return "rows joined by hand"
    return None


def csv_writers(source: str) -> list[tuple[int, str]]:
    """Each place in the source that writes CSV other than through saferhub.core.csv: (line, what)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        what = None
        if isinstance(node, ast.Call):
            what = _call_writes_csv(node)
        elif isinstance(node, ast.BinOp | ast.JoinedStr) and _joins_inside(node):
            if any(end in _text_of(node) for end in LINE_ENDS):
                what = "a row joined by hand, with its line ending"
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            # "COPY t TO 'x.csv' (FORMAT CSV)", in any case and spacing.
            and "format csv" in " ".join(node.value.lower().replace("(", " ").split())
        ):
            what = "COPY ... (FORMAT CSV)"
        if what is not None:
            found.append((node.lineno, what))
    return sorted(set(found))


@pytest.mark.parametrize(
    ("source", "what"),
    [
        ("import csv\nw = csv.writer(out)\n", "csv.writer"),
        ("from csv import DictWriter\nw = DictWriter(out, fieldnames=[])\n", "csv.DictWriter"),
        ("frame.to_csv(path)\n", "to_csv"),
        ("pyarrow.csv.write_csv(table, path)\n", "write_csv"),
        ("duckdb.sql(\"COPY t TO 'x.csv' (FORMAT CSV)\")\n", "COPY ... (FORMAT CSV)"),
        ('text = ",".join(cells) + "\\n"\n', "a row joined by hand, with its line ending"),
        ('text = f"{",".join(cells)}\\r\\n"\n', "a row joined by hand, with its line ending"),
        ('text = "\\n".join(",".join(row) for row in rows)\n', "rows joined by hand"),
        ('out.write(",".join(cells))\n', "a row joined by hand, written"),
    ],
)
def test_the_scan_finds_each_way_of_writing_csv(source, what):
    assert [found for _, found in csv_writers(source)] == [what]


def test_a_comma_joined_message_is_not_a_csv_writer():
    assert csv_writers("raise ValueError(f\"the header is '{','.join(header)}'\")\n") == []


def test_every_csv_the_code_writes_goes_through_the_spreadsheet_safe_guard():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _modules()
        for line, what in csv_writers(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "write CSV with saferhub.core.csv.csv_text instead:\n" + "\n".join(offenders)

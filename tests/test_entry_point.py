"""The ``wbtool`` command's entry point: light, and the readers' server first."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

HEAVY = ("wbtool.cli", "wbtool.io.read", "click", "python_calamine", "docx")


def python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_importing_the_entry_point_loads_neither_the_cli_nor_the_readers():
    # Every reader worker runs the command's script again: it must stay cheap.
    loaded = python(f"import sys, wbtool.__main__; print([m for m in {HEAVY!r} if m in sys.modules])")
    assert ast.literal_eval(loaded) == []


def _order_of_start(command: str) -> list:
    code = f"""
import sys
import wbtool.pool
order = []
wbtool.pool.warm_up = lambda: order.append(("warm_up", "wbtool.cli" in sys.modules))
sys.argv = ["wbtool", "{command}", "--help"]
from wbtool.__main__ import main
try:
    main()
except SystemExit:
    pass
print(order)
"""
    return ast.literal_eval(python(code))


@pytest.mark.parametrize("command", ["check", "merge", "demo"])
def test_reading_commands_start_the_server_before_the_cli_is_imported(command):
    assert _order_of_start(command) == [("warm_up", False)]


@pytest.mark.parametrize("command", ["generate", "report", "catalog"])
def test_other_commands_start_no_server(command):
    assert _order_of_start(command) == []

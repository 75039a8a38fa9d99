"""Production installs carry only the runtime pins: no module outside the tests imports a
development-only package, and no package is pinned twice."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import lunarshare

ROOT = Path(lunarshare.__file__).resolve().parents[2]
SOURCE = Path(lunarshare.__file__).resolve().parent


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-r")):
            package, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", package).lower()] = version
    return pins


# The import name of each development-only distribution that code could import by mistake.
DEV_IMPORT_NAMES = {
    "factory-boy": "factory", "faker": "faker", "hypothesis": "hypothesis", "playwright": "playwright",
    "pytest": "pytest", "pytest-django": "pytest_django", "pytest-xdist": "xdist",
    "time-machine": "time_machine", "ruff": "ruff", "frictionless": "frictionless", "oaipmh-scythe": "oaipmh_scythe",
    "schemathesis": "schemathesis",
    "locust": "locust", "moto": "moto", "aiosmtpd": "aiosmtpd", "psutil": "psutil", "requests": "requests",
}


def _is_test_code(path: Path) -> bool:
    parts = path.relative_to(SOURCE).parts
    return "tests" in parts or parts[0] == "testing" or path.name == "conftest.py"


def test_no_package_is_pinned_in_both_files():
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert runtime and dev
    assert set(runtime) & set(dev) == set()


def test_runtime_code_imports_no_development_package():
    dev = _pins("requirements-dev.lock")
    forbidden = {DEV_IMPORT_NAMES[name] for name in dev if name in DEV_IMPORT_NAMES}
    offenders = []
    for path in SOURCE.rglob("*.py"):
        if _is_test_code(path):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            offenders += [f"{path.relative_to(SOURCE)}: {n}" for n in names if n.split(".")[0] in forbidden]
    assert offenders == []

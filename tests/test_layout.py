"""The layout holds: the import-linter contracts of pyproject.toml cover every package, catch a new
back-edge, and no module imports itself round a circle when it loads."""

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("planboard", "goals", "initiatives", "reports")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contracts() -> list[dict]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def test_every_part_of_the_project_package_is_in_a_layer():
    # A module of planboard/ left out of the layers would be free to import anything, and be imported by anything.
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    named = {name.strip() for layer in layers for name in layer.replace("|", ":").split(":")}
    named.add("planboard.api_cache")  # guarded by its own contract (protected)
    top_level = {name.split(".")[1] for name in _modules() if name.startswith("planboard.")}
    assert {f"planboard.{part}" for part in top_level} <= named


def _module_level_imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `module` imports as it loads: statements outside functions, not under TYPE_CHECKING."""
    tree = ast.parse(path.read_text())
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()

    def visit(nodes):
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([base] if base else [])])
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
            visit(ast.iter_child_nodes(node))

    visit(tree.body)
    return {name for name in found if name in known and name != module}


def test_no_module_level_import_circle():
    modules = _modules()
    graph = {name: _module_level_imports(name, path, set(modules)) for name, path in modules.items()}
    # Tarjan's strongly connected components: any component of two or more modules is a circle.
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in graph:
        if node not in index:
            connect(node)
    # A package importing its own submodules (its __init__) is not a circle that can bite.
    circles = [c for c in circles if not all(m.startswith(c[0] + ".") or m == c[0] for m in c)]
    assert circles == []


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is installed by `make test` (the dev extra)")
def test_a_new_import_from_goals_into_reports_breaks_the_contracts(tmp_path):
    # The experiment a reviewer would make, on a copy of the tree: one new line in goals.
    for name in (*PACKAGES, "pyproject.toml"):
        source = REPO / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = [str(LINT_IMPORTS), "--no-cache"]
    kept = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert kept.returncode == 0, kept.stdout[-2000:]
    with open(tmp_path / "goals" / "models.py", "a") as models:
        models.write("\nfrom reports.models import ReportCard  # noqa\n")
    broken = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert broken.returncode != 0
    assert "goals is not allowed to import reports" in broken.stdout

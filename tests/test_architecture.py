"""The package layout is the architecture (README, "Architecture"): each subpackage may import
only the core modules and the packages before it in data-flow order, no module imports the
package root or a package that contains it, no private name crosses a module boundary, and
the module import graph has no cycle.  Imports inside functions count like the others."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "blocwatch"
# Data-flow order: a package may import the core and the packages before it, never after.
LAYERS = ("core", "text", "petrarch", "knowledge", "coding", "store", "analysis", "evaluation",
          "web", "cli")
CORE = {"blocwatch.errors", "blocwatch.records", "blocwatch.settings", "blocwatch.version"}
FACADES = {"blocwatch", "blocwatch.__main__"}  # the public API and ``python -m blocwatch``


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def layer(module: str) -> str:
    if module in CORE:
        return "core"
    parts = module.split(".")
    assert len(parts) > 2 or module in MODULES, module
    return parts[1]


def imports(module: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every blocwatch import."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names
                      if a.name.split(".")[0] == "blocwatch"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "blocwatch":
                continue
            names = [a.name for a in node.names]
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES]
            found += [(m, [], node.lineno) for m in submodules]
            rest = [n for n in names if f"{base}.{n}" not in MODULES]
            if rest:
                found.append((base, rest, node.lineno))
    return found


def graph() -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(MODULES)
    for module in MODULES:
        for target, _, line in imports(module):
            assert target in MODULES, f"{module}:{line} imports {target}, which does not exist"
            g.add_edge(module, target, line=line)
    return g


@pytest.mark.parametrize("module", sorted(set(MODULES) - FACADES))
def test_imports_follow_the_layers(module: str) -> None:
    mine = LAYERS.index(layer(module))
    for target, _, line in imports(module):
        assert target not in FACADES, f"{module}:{line} imports the package root {target}"
        assert not module.startswith(target + "."), f"{module}:{line} imports its parent"
        theirs = LAYERS.index(layer(target))
        assert theirs <= mine, (f"{module}:{line} ({layer(module)}) imports {target} "
                                f"({layer(target)}), which comes later in the data flow")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_name_crosses_modules(module: str) -> None:
    for target, names, line in imports(module):
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert target == module or not private, f"{module}:{line} imports {private} from {target}"
        assert not re.search(r"\._[a-z]", target), f"{module}:{line} imports private {target}"


def test_no_import_cycle() -> None:
    cycles = list(nx.simple_cycles(graph()))
    assert cycles == [], f"import cycles: {cycles[:5]}"


def test_every_package_is_a_layer() -> None:
    packages = {p.parent.name for p in SRC.glob("*/__init__.py")}
    assert packages == set(LAYERS) - {"core"}
    top = {p.stem for p in SRC.glob("*.py")} - {"__init__", "__main__"}
    assert {f"blocwatch.{m}" for m in top} == CORE


@pytest.mark.parametrize(("bad", "check", "message"), [
    ("from blocwatch.store.database import Store\n", test_imports_follow_the_layers,
     "comes later in the data flow"),
    ("import blocwatch\n", test_imports_follow_the_layers, "imports the package root"),
    ("from blocwatch.records import _now\n", test_no_private_name_crosses_modules,
     "imports ['_now']"),
])
def test_the_checks_catch_violations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     bad: str, check: Any, message: str) -> None:
    module = "blocwatch.text.parse"
    fake = tmp_path / "parse.py"
    fake.write_text(MODULES[module].read_text(encoding="utf-8") + "\n" + bad, encoding="utf-8")
    monkeypatch.setitem(MODULES, module, fake)
    with pytest.raises(AssertionError, match=re.escape(message)):
        check(module)


def test_the_public_imports_keep_working() -> None:
    from blocwatch import Article, CodedArticle, Coder, Event, Settings, read_inputs

    assert {Coder.__module__, Article.__module__, read_inputs.__module__} == {
        "blocwatch.coding.coder", "blocwatch.records", "blocwatch.text.read"}
    assert CodedArticle and Event and Settings


def test_the_readme_describes_this_tree() -> None:
    """README's Architecture table names every package and module, and no other."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    described: dict[str, set[str]] = {}
    for row in re.findall(r"^\| (`\w+/`|core \(`blocwatch/\*\.py`\)) \|.*\| (.+) \|$",
                          section, flags=re.M):
        package = "core" if row[0].startswith("core") else row[0].strip("`/")
        described[package] = set(re.findall(r"`(\w+)/?`", row[1]))
    actual: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        if module in FACADES or path.name == "__init__.py":
            continue
        actual.setdefault(layer(module), set()).add(module.rsplit(".", 1)[1])
    actual["knowledge"].add("data")
    assert described == actual
    assert list(described) == list(LAYERS), "the table lists the packages in data-flow order"

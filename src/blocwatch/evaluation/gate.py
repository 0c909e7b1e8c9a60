"""The accuracy gate: development sets, the figures they must keep, and the check.

``tests/eval_baseline.json`` maps a set name to its format, path (relative to the shared
data folder, or ``project:...`` relative to the project), optional case limit, ``floors``
(figure >= floor) and ``ceilings`` (figure <= ceiling, for error rates such as ``extra``).
Raising a floor is normal; lowering one needs a note in the commit saying why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blocwatch.evaluation.evaluate import ArticleCoder, Report, evaluate


@dataclass(frozen=True)
class GateSet:
    name: str
    format: str
    path: str
    limit: int | None
    floors: dict[str, float]
    ceilings: dict[str, float]
    petrarch_dictionaries: str | None = None


def load_baseline(path: Path) -> list[GateSet]:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return [GateSet(name, spec["format"], spec["path"], spec.get("limit"),
                    spec.get("floors", {}), spec.get("ceilings", {}),
                    spec.get("petrarch_dictionaries"))
            for name, spec in raw.items() if not name.startswith("_")]


def resolve_path(spec: GateSet, shared: Path, project: Path) -> Path:
    """``project:tests/...`` paths are the project's own gold files; others are shared."""
    if spec.path.startswith("project:"):
        return project / spec.path.removeprefix("project:")
    return shared / spec.path


def run_set(spec: GateSet, shared: Path, coder: ArticleCoder,
            project: Path | None = None) -> Report:
    """Score ``coder`` on the set, or a PETRARCH-dictionary coder when the set names a
    dictionary folder (relative to the shared data folder)."""
    if spec.petrarch_dictionaries:
        from blocwatch.coding.petrarch_coder import PetrarchCoder
        from blocwatch.petrarch.dictionaries import load_dictionaries

        nlp = getattr(coder, "nlp", None)
        coder = PetrarchCoder(load_dictionaries(shared / spec.petrarch_dictionaries), nlp)
    return evaluate(spec.format, resolve_path(spec, shared, project or Path.cwd()), coder,
                    limit=spec.limit)


def violations(spec: GateSet, report: Report) -> list[str]:
    figures = report.metrics()
    out = []
    for name, floor in spec.floors.items():
        value = figures.get(name)
        if value is None or value < floor - 1e-9:
            out.append(f"{spec.name}: {name} = {value} is below its floor {floor}")
    for name, ceiling in spec.ceilings.items():
        value = figures.get(name)
        if value is None or value > ceiling + 1e-9:
            out.append(f"{spec.name}: {name} = {value} is above its ceiling {ceiling}")
    return out

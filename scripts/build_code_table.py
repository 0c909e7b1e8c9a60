"""Build blocwatch's compact CAMEO code table from the public CAMEO/GDELT/PLOVER facts.

Run once when the ontology changes:  python scripts/build_code_table.py ../shared/ontology/cameo.tsv
It keeps only what the coder needs (code, root, quad class, GDELT Goldstein weight, PLOVER
event and mode, a short label) and writes ``src/blocwatch/knowledge/data/cameo_codes.tsv``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "blocwatch" / "data" / "cameo_codes.tsv"


def main(source: str) -> None:
    rows = []
    with open(source, encoding="utf-8", newline="") as handle:
        for rec in csv.DictReader(handle, delimiter="\t"):
            label = (rec["name_gdelt"] or rec["name_icews"] or "").strip()
            if not label or not rec["goldstein_gdelt"]:
                continue  # codes with no label or weight are unused placeholders
            label = label.replace(", not specified below", "").replace("  ", " ")
            rows.append(
                (
                    rec["cameo_code"],
                    rec["root_code"],
                    rec["quadclass_gdelt"],
                    rec["goldstein_gdelt"],
                    rec["plover_event"],
                    rec["plover_mode"],
                    label.encode("ascii", "ignore").decode(),
                )
            )
    with open(OUT, "w", encoding="utf-8", newline="") as handle:
        handle.write("# CAMEO codes used by blocwatch: GDELT Goldstein weights and quad classes,\n")
        handle.write("# PLOVER event/mode where the CAMEO-to-PLOVER mapping gives one.\n")
        handle.write("code\troot\tquad\tgoldstein\tplover_event\tplover_mode\tlabel\n")
        for row in rows:
            handle.write("\t".join(row) + "\n")
    print(f"wrote {len(rows)} codes to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/ontology/cameo.tsv")

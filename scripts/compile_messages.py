"""Compile every .po catalogue under src/ to .mo with Babel (pure Python: no gettext needed).

`make install` runs this so that a fresh machine without GNU gettext still gets the Chinese
interface. Fuzzy entries are skipped, as msgfmt does.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

root = Path(__file__).resolve().parents[1] / "src"
count = 0
for po_path in root.rglob("locale/*/LC_MESSAGES/*.po"):
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    with po_path.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    count += 1
print(f"compiled {count} message catalogue(s)", file=sys.stderr)

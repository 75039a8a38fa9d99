"""Regenerate the CJK font embedded in every PDF (agreement, certificate).

    .venv/bin/python scripts/build_pdf_font.py [REGULAR_SOURCE BOLD_SOURCE]

The sources are Noto Sans CJK SC Regular and Bold (SIL Open Font License 1.1), each an .otf
or a .ttc collection holding it (Debian's ``fonts-noto-cjk`` installs NotoSansCJK-Regular.ttc
and NotoSansCJK-Bold.ttc, the defaults; the upstream release is googlefonts/noto-cjk). The output is a subset converted from CFF to
TrueType (glyf) outlines, because ReportLab embeds TrueType fonts only, renamed
"LunarShare Sans SC" as a Modified Version under the OFL. It holds:

- printable ASCII, Latin-1 and Latin Extended-A (names of people and institutions),
  general punctuation, CJK symbols and punctuation, full-width forms;
- the 3,755 level-1 hanzi of GB2312 (the common characters of Chinese names);
- every character of the project's Chinese catalogue (django.po) and of the agreement
  templates in loans/documents.py, so nothing the PDFs print by themselves is missing.

Needs fontTools (a development dependency); the application only reads the result.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "lunarshare"
FONTS = PACKAGE / "loans" / "fonts"
DEFAULT_SOURCES = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
                   Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"))
FAMILY = "LunarShare Sans SC"
CJK = re.compile(r"[\u2000-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def gb2312_level1() -> set[str]:
    chars = set()
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def wanted_characters() -> set[str]:
    chars = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x180)}
    chars |= {chr(c) for c in range(0x2000, 0x2070)} | {chr(c) for c in range(0x3000, 0x3040)}
    chars |= {chr(c) for c in range(0xFF01, 0xFF5F)} | {"µ", "×", "±", "°", "—", "–", "·", "■"}
    chars |= gb2312_level1()
    for source in (PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po", PACKAGE / "loans" / "documents.py"):
        chars |= set(CJK.findall(source.read_text(encoding="utf-8")))
    return chars


def load_source(path: Path) -> TTFont:
    if path.suffix.lower() == ".ttc":
        for font in TTCollection(str(path)).fonts:
            if font["name"].getDebugName(1).startswith("Noto Sans CJK SC"):
                return font
        raise SystemExit(f"no Noto Sans CJK SC face in {path}")
    return TTFont(str(path))


def cff_to_glyf(font: TTFont) -> None:
    """Replace CFF outlines by quadratic TrueType outlines (the fontTools otf2ttf recipe)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font["post"].glyphOrder = glyph_order
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True


def rename(font: TTFont, style: str) -> None:
    names = font["name"]
    postscript = f"LunarShareSansSC-{style}"
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, FAMILY), (2, style), (3, f"{postscript};subset of Noto Sans CJK SC"),
                           (4, f"{FAMILY} {style}"), (6, postscript)):
        names.setName(value, name_id, 3, 1, 0x409)
    names.setName("Subset of Noto Sans CJK SC (SIL OFL 1.1) for LunarShare's PDFs; regenerate with "
                  "scripts/build_pdf_font.py.", 10, 3, 1, 0x409)


def build(source: Path, style: str, chars: set[str]) -> None:
    font = load_source(source)
    options = subset.Options()
    options.layout_features = []  # ReportLab uses the cmap only
    options.name_IDs = ["*"]
    options.name_languages = [0x409]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    for table in ("vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE", "DSIG"):
        if table in font:
            del font[table]
    cff_to_glyf(font)
    rename(font, style)
    output = FONTS / f"LunarShareSansSC-{style}.ttf"
    FONTS.mkdir(parents=True, exist_ok=True)
    font.save(str(output))
    print(f"{output.relative_to(ROOT)}: {len(font.getGlyphOrder())} glyphs, {output.stat().st_size:,} bytes")


def main(argv: list[str]) -> None:
    sources = [Path(a) for a in argv[1:3]] if len(argv) > 2 else DEFAULT_SOURCES
    chars = wanted_characters()
    for source, style in zip(sources, ("Regular", "Bold"), strict=True):
        build(source, style, chars)


if __name__ == "__main__":
    main(sys.argv)

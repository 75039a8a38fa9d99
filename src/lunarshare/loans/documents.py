"""PDF documents of a loan (agreement, certificate) and the printable sample labels.

PDFs are drawn with ReportLab: pure Python (no system libraries, no browser), long
maintained, pinned in requirements.lock. Every PDF is set in one embedded font, "LunarShare
Sans SC" (``fonts/``: a subset of Noto Sans CJK SC under the SIL Open Font License, made by
``scripts/build_pdf_font.py``), which carries Latin and Chinese glyphs; ReportLab embeds the
glyphs a document uses, so Chinese shows in every viewer, including those without Adobe's
Asian font pack (Chromium, poppler, most phones). QR codes on labels are drawn by segno (pure
Python, no dependencies) as inline SVG.

The agreement text is a versioned template: ``AGREEMENT_TEMPLATES[version]`` is a list of
clauses in English and Chinese; a loan stores the version it was generated from, and a new
wording is a new version, never an edit of an old one.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone

from lunarshare.mass import format_mass

CURRENT_TEMPLATE_VERSION = "2025.1"

# Each clause: (heading_en, text_en, heading_zh, text_zh). Placeholders are filled from the loan.
AGREEMENT_TEMPLATES: dict[str, list[tuple[str, str, str, str]]] = {
    "2025.1": [
        ("Parties",
         "This agreement is made between the lending agency (the Agency) and {institution} ({country}), the Borrower, "
         "represented by its responsible user {responsible}.",
         "协议双方",
         "本协议由出借机构（以下简称“出借方”）与{institution}（{country}，以下简称“借用方”）签订，借用方由责任用户{responsible}代表。"),
        ("Named team",
         "Only the responsible user and the team named below may handle the material; it remains under the "
         "responsible user's control at all times: {team}.",
         "指定团队",
         "仅责任用户及下列指定团队成员可接触和使用样品，样品始终处于责任用户的管控之下：{team}。"),
        ("Purpose and approved methods",
         "The material is lent for: {purpose}. Approved methods: {methods}. Any other use requires the Agency's "
         "written consent.",
         "用途与批准的方法",
         "样品借用用途：{purpose}。批准的研究方法：{methods}。任何其他用途须事先取得出借方书面同意。"),
        ("Items, masses and forms",
         "The items lent, their forms and approved masses are listed in the schedule of this agreement. "
         "Masses are recorded in micrograms by the Agency's ledger.",
         "样品、质量与形态",
         "借用样品的编号、形态与批准质量见本协议附表。质量以出借方台账记录的微克数为准。"),
        ("Loan period",
         "The loan runs from {start} to {due}. The Agency may extend it on the Borrower's request.",
         "借用期限",
         "借用期限自{start}起至{due}止。经借用方申请，出借方可予以延期。"),
        ("Records and video of destructive use",
         "The Borrower keeps complete records of every use. Every destructive or consumptive experiment is recorded "
         "on video in full and reported to the Agency with the mass consumed, the method and the date.",
         "使用记录与破坏性实验录像",
         "借用方应完整记录每一次使用。每一项破坏性或消耗性实验均须全程录像，并向出借方报告消耗质量、方法及日期。"),
        ("Return or disposal",
         "At the end of the loan the Borrower returns all unconsumed material, or disposes of it only as the Agency "
         "directs. Returned material is reweighed; differences are investigated.",
         "归还或处置",
         "借用期满，借用方应归还全部未消耗样品，或仅按出借方指示处置。归还样品须重新称重，差异将予以调查。"),
        ("Annual inventory, loss and theft",
         "Each year the Borrower confirms the items it holds. Loss, theft or damage is reported to the Agency at once.",
         "年度清点、遗失与被盗",
         "借用方每年确认所持样品。样品如有遗失、被盗或损坏，应立即报告出借方。"),
        ("Early termination",
         "If the material is used other than as approved, or this agreement is breached, the Agency may terminate "
         "the loan early and recall the material.",
         "提前终止",
         "如样品未按批准用途使用或借用方违反本协议，出借方可提前终止借用并召回样品。"),
        ("Transport",
         "Transport costs in both directions are paid by {transport}. Material travels in the packaging and "
         "atmosphere the Agency specifies.",
         "运输",
         "往返运输费用由{transport_zh}承担。样品须按出借方规定的包装及保护气氛运输。"),
    ],
}

# Who pays transport, as the phrase that completes "Transport costs in both directions are paid by ...".
TRANSPORT_EN = {"borrower": "the Borrower", "agency": "the Agency"}
TRANSPORT_ZH = {"borrower": "借用方", "agency": "出借方"}

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "LunarShareSansSC"
FONT_BOLD = "LunarShareSansSC-Bold"


def register_fonts() -> tuple[str, str]:
    """Register the embedded font with ReportLab (once per process); returns (regular, bold) names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "LunarShareSansSC-Regular.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "LunarShareSansSC-Bold.ttf")))
        addMapping(FONT, 0, 0, FONT)
        addMapping(FONT, 1, 0, FONT_BOLD)
        addMapping(FONT, 0, 1, FONT)
        addMapping(FONT, 1, 1, FONT_BOLD)
    return FONT, FONT_BOLD


def _styles():
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    regular, bold = register_fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=bold, fontSize=16, leading=20),
        "title_zh": ParagraphStyle("tz", parent=base["Title"], fontName=bold, fontSize=15, leading=19),
        "h": ParagraphStyle("h", parent=base["Heading3"], fontName=bold, fontSize=11, spaceAfter=2),
        "h_zh": ParagraphStyle("hz", parent=base["Heading3"], fontName=bold, fontSize=11, spaceAfter=2),
        "p": ParagraphStyle("p", parent=base["BodyText"], fontName=regular, fontSize=9.5, leading=12.5),
        "p_zh": ParagraphStyle("pz", parent=base["BodyText"], fontName=regular, fontSize=9.5, leading=13.5,
                               wordWrap="CJK"),
        "small": ParagraphStyle("s", parent=base["BodyText"], fontName=regular, fontSize=8, leading=10,
                                wordWrap="CJK"),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontName=regular, fontSize=8.5, leading=11,
                               wordWrap="CJK"),
    }


def _values(loan) -> dict[str, str]:
    team = ", ".join(
        f"{m.get('name')}{' (' + m['orcid'] + ')' if m.get('orcid') else ''}" for m in (loan.team_names or [])
    ) or str(loan.responsible)
    methods = ", ".join(
        f"{m.get('name')}{' [destructive]' if m.get('destructive') else ''}" for m in (loan.methods or [])
    ) or "—"
    return {
        "institution": loan.borrower_institution.name_en + (f" / {loan.borrower_institution.name_zh}"
                                                            if loan.borrower_institution.name_zh else ""),
        "country": str(loan.borrower_institution.country),
        "responsible": str(loan.responsible),
        "team": team,
        "purpose": loan.purpose or "—",
        "methods": methods,
        "start": loan.start_date.isoformat() if loan.start_date else "—",
        "due": loan.due_date.isoformat(),
        "transport": TRANSPORT_EN.get(loan.transport_paid_by, loan.transport_paid_by),
        "transport_zh": TRANSPORT_ZH.get(loan.transport_paid_by, loan.transport_paid_by),
    }


def form_label(code: str, *, bilingual: bool = False) -> str:
    """An item's form in words ("Rock chip", or "Rock chip / 岩屑" for the bilingual PDFs)."""
    from django.utils import translation

    from lunarshare.programs.models import SampleForm

    if code not in SampleForm.values:
        return code or "—"
    if not bilingual:
        return str(SampleForm(code).label)
    with translation.override("en"):
        english = str(SampleForm(code).label)
    with translation.override("zh-hans"):
        chinese = str(SampleForm(code).label)
    return english if english == chinese else f"{english} / {chinese}"


def _items_table(loan, styles):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    rows = [[Paragraph(h, styles["cell"]) for h in
             ("# ", "Item / 样品", "Form / 形态", "Approved / 批准质量", "Allocated / 分配质量", "Destructive allowance / 可消耗")]]
    for n, item in enumerate(loan.items.select_related("sample").order_by("id")[:500], start=1):
        rows.append([
            str(n),
            Paragraph(escape(item.sample.identifier if item.sample_id else (item.description or "—")), styles["cell"]),
            Paragraph(escape(form_label(item.form, bilingual=True)), styles["cell"]),
            format_mass(item.approved_mass_ug), format_mass(item.mass_ug) if item.mass_ug else "—",
            format_mass(item.destructive_allowance_ug),
        ])
    table = Table(rows, repeatRows=1, colWidths=[20, 150, 70, 75, 75, 90])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf2")),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _build(story_fn, title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=title, author="LunarShare", invariant=1,
                            # else the canvas starts in Helvetica, a font the PDF would need but not carry
                            initialFontName=register_fonts()[0])
    doc.build(story_fn())
    return buffer.getvalue()


def render_agreement(loan, *, version: str | None = None, signatures=()) -> bytes:
    """The bilingual agreement; with ``signatures`` (both parties) the signed copy."""
    from reportlab.platypus import Paragraph, Spacer

    version = version or CURRENT_TEMPLATE_VERSION
    clauses = AGREEMENT_TEMPLATES[version]
    styles = _styles()
    values = _values(loan)

    def story():
        parts = [
            Paragraph(f"Lunar Sample Loan Agreement {escape(str(loan))}", styles["title"]),
            Paragraph(f"月球样品借用协议 {escape(str(loan))}", styles["title_zh"]),
            Paragraph(f"Template version / 模板版本 {escape(version)}", styles["small"]),
            Spacer(1, 8),
        ]
        for n, (h_en, t_en, h_zh, t_zh) in enumerate(clauses, start=1):
            parts.append(Paragraph(f"{n}. {escape(h_en)}", styles["h"]))
            parts.append(Paragraph(escape(t_en.format(**values)), styles["p"]))
            parts.append(Paragraph(f"{n}. {escape(h_zh)}", styles["h_zh"]))
            parts.append(Paragraph(escape(t_zh.format(**values)), styles["p_zh"]))
        parts += [Spacer(1, 8), Paragraph("Schedule of items / 样品附表", styles["h_zh"]), _items_table(loan, styles),
                  Spacer(1, 12), Paragraph("Signatures / 签署", styles["h_zh"])]
        if not signatures:
            parts.append(Paragraph("Not yet signed. / 尚未签署。", styles["p_zh"]))
        for signature in signatures:
            parts.append(Paragraph(
                escape(f"{signature.get_party_display()} / {'借用方代表' if signature.party == 'borrower' else '出借方'}: "
                       f"{signature.typed_name} — account {signature.signer.username} — "
                       f"{timezone.localtime(signature.signed_at).strftime('%Y-%m-%d %H:%M %Z')} — "
                       f"document SHA-256 {signature.document_sha256}"),
                styles["p_zh"]))
        return parts

    return _build(story, f"Loan agreement {loan}")


def render_certificate(loan) -> bytes:
    """The loan certificate: who holds what under which agreement, as of now."""
    from reportlab.platypus import Paragraph, Spacer

    styles = _styles()
    values = _values(loan)
    agreement = getattr(loan, "agreement", None)

    def story():
        return [
            Paragraph(f"Lunar Sample Loan Certificate {escape(str(loan))}", styles["title"]),
            Paragraph(f"月球样品借用证书 {escape(str(loan))}", styles["title_zh"]),
            Spacer(1, 8),
            Paragraph(escape(f"Borrower / 借用方: {values['institution']} ({values['country']})"), styles["p_zh"]),
            Paragraph(escape(f"Responsible user / 责任用户: {values['responsible']}"), styles["p_zh"]),
            Paragraph(escape(f"Loan period / 借用期限: {values['start']} — {values['due']}"), styles["p_zh"]),
            Paragraph(escape(f"Status / 状态: {loan.get_status_display()}"), styles["p_zh"]),
            Paragraph(escape("Signed agreement SHA-256 / 已签署协议 SHA-256: "
                             + (agreement.signed_sha256 if agreement and agreement.signed_sha256 else "—")), styles["p_zh"]),
            Spacer(1, 8),
            _items_table(loan, styles),
            Spacer(1, 8),
            Paragraph(escape(f"Issued / 签发: {timezone.localtime().strftime('%Y-%m-%d %H:%M %Z')}"), styles["small"]),
        ]

    return _build(story, f"Loan certificate {loan}")


def label_text(sample, request) -> str:
    """What a label's QR code carries: the identifier, a line break, the absolute URL of its page.

    A phone opens the URL; a USB scanner types both lines, and the receipt and return pages
    read either line as the sample (see ``loans.services.scanned_identifiers``)."""
    return f"{sample.identifier}\n{request.build_absolute_uri(sample.get_absolute_url())}"


def qr_svg(text: str, *, scale: int = 4) -> str:
    """An inline SVG QR code of ``text`` with its four-module quiet zone (no XML declaration).

    The SVG keeps its viewBox and drops fixed pixel sizes, so CSS sets the printed size
    (30 mm on the label pages) and the code is never squeezed."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="svg", scale=scale, border=4, xmldecl=False,
                                                  svgns=True, nl=False, title=text, omitsize=True,
                                                  svgclass="qr", light="#fff")
    return buffer.getvalue().decode("utf-8")

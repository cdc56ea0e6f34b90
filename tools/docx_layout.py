"""The layout shared by the Word templates: A4 page, fonts, tables, letter blocks, footer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Arial"
INK = RGBColor(0x1F, 0x1F, 0x1F)
SHADE = "EDEDED"
RULE = "7F7F7F"
LABEL_WIDTH, VALUE_WIDTH = Cm(5.5), Cm(11.5)
RECIPIENT_INDENT = Cm(9)
FOOTER_MENTION = (
    "Document établi dans le cadre de la convention sécurité – tranquillité résidentielle "
    "de l'Essonne — données personnelles : accès restreint"
)


def new_document(title: str) -> DocumentObject:
    """A blank A4 document with the house styles, French proofing and neutral properties."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    defaults = document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr")[0]
    set_font(defaults)
    # French proofing in Word, so that the legal team is not flooded with English corrections.
    for language in defaults.xpath("w:lang"):
        language.set(qn("w:val"), "fr-FR")
    for name, size, bold in (("Normal", 10, False), ("Title", 20, True), ("Heading 1", 12, True)):
        style = document.styles[name]
        style.font.size, style.font.bold, style.font.color.rgb = Pt(size), bold, INK
        set_font(style.element.get_or_add_rPr())
    for border in document.styles["Title"].element.xpath(".//w:pBdr/w:bottom"):
        border.set(qn("w:color"), RULE)
        border.attrib.pop(qn("w:themeColor"), None)
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # a picture of python-docx's blank page
            del package.rels[rel_id]
    properties = document.core_properties
    properties.title, properties.author, properties.language = title, "Quiétude", "fr-FR"
    properties.last_modified_by, properties.comments, properties.revision = "Quiétude", "", 1
    properties.created = properties.modified = datetime(2026, 1, 1)
    return document


def set_font(run_properties: Any) -> None:
    """Use the house font for every script of these run properties."""
    fonts = run_properties.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def shade(cell: _Cell) -> None:
    """Grey background of a label or header cell."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), SHADE)
    cell._tc.get_or_add_tcPr().append(shading)


def write(cell: _Cell, text: str, bold: bool = False, size: float | None = None) -> None:
    """Write `text` in a cell as one run."""
    # One run per cell: a placeholder split over several runs is harder to edit in Word.
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
    run = paragraph.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)


def fixed_widths(table: Table, widths: list[Length]) -> None:
    """Give the columns of `table` these widths (Word and LibreOffice read the grid)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width


def fields_table(document: DocumentObject, rows: list[tuple[str, str]]) -> Table:
    """A two-column table of labels (shaded) and values, followed by an empty paragraph."""
    table = document.add_table(rows=0, cols=2)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed_widths(table, [LABEL_WIDTH, VALUE_WIDTH])
    for name, value in rows:
        label_cell, value_cell = table.add_row().cells
        label_cell.width, value_cell.width = LABEL_WIDTH, VALUE_WIDTH
        write(label_cell, name, bold=True)
        shade(label_cell)
        write(value_cell, value)
    document.add_paragraph()
    return table


def repeat_header(table: Table) -> None:
    """Repeat the first row of `table` at the top of each page."""
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)


def loop_table(
    document: DocumentObject,
    columns: list[tuple[str, str, Length]],
    loop: str,
    size: float | None = None,
) -> Table:
    """A table with a shaded header and one row repeated by `{%tr for <loop> %}`.

    `columns` gives, per column, its header, the placeholder of its cell and its width.
    """
    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed_widths(table, [width for _, _, width in columns])
    for cell, (header, _, width) in zip(table.rows[0].cells, columns, strict=True):
        cell.width = width
        write(cell, header, bold=True, size=size)
        shade(cell)
    repeat_header(table)
    add_loop(table, loop, [(value, width) for _, value, width in columns], size)
    return table


def add_loop(
    table: Table, loop: str, cells: list[tuple[str, Length]], size: float | None = None
) -> None:
    """Append to `table` one row repeated by `{%tr for <loop> %}` … `{%tr endfor %}`."""
    empty = [""] * (len(cells) - 1)
    rows = ([f"{{%tr for {loop} %}}", *empty], [v for v, _ in cells], ["{%tr endfor %}", *empty])
    for texts in rows:
        for cell, text, (_, width) in zip(table.add_row().cells, texts, cells, strict=True):
            cell.width = width
            write(cell, text, size=size)


def paragraph(
    document: DocumentObject,
    text: str = "",
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: Length | None = None,
    after: float = 6,
    size: float | None = None,
) -> Paragraph:
    """A body paragraph written as one run (justified by default)."""
    added = document.add_paragraph()
    added.alignment = align
    added.paragraph_format.space_after = Pt(after)
    if indent is not None:
        added.paragraph_format.left_indent = indent
    run = added.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    return added


def letterhead(document: DocumentObject, place_and_date: str) -> None:
    """The sender (the bailleur) on the left, then the place and date on the right."""
    paragraph(document, "{{ bailleur }}", bold=True, align=None, after=0, size=12)
    paragraph(document, "Service contentieux", align=None, after=18, size=9)
    paragraph(document, place_and_date, align=WD_ALIGN_PARAGRAPH.RIGHT, after=12)


def recipient_block(document: DocumentObject, lines: list[str]) -> None:
    """The recipient's block, indented to the right as in a French letter."""
    for line in lines:
        if line.startswith("{%p"):
            document.add_paragraph(line)
        else:
            paragraph(document, line, align=None, indent=RECIPIENT_INDENT, after=0)
    document.add_paragraph()


def subject_lines(document: DocumentObject, lines: list[tuple[str, str]]) -> None:
    """The "Objet", "Références"… lines of a letter: a bold label, then the text."""
    for name, text in lines:
        added = document.add_paragraph()
        added.paragraph_format.space_after = Pt(2)
        added.add_run(f"{name} : ").bold = True
        added.add_run(text)
    document.add_paragraph()


def signature(document: DocumentObject, lines: list[str]) -> None:
    """The signature block, indented to the right."""
    document.add_paragraph()
    for line in lines:
        paragraph(document, line, align=None, indent=RECIPIENT_INDENT, after=0)


def _add_field(target: Paragraph, instruction: str) -> None:
    """Append a Word field (PAGE, NUMPAGES…) that Word computes when it lays out the pages."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None)):
        run = target.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
    target.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    target.add_run()._r.append(end)


def footer(document: DocumentObject) -> None:
    """The footer: the confidentiality mention, then "Page X / Y"."""
    section_footer = document.sections[0].footer
    mention = section_footer.paragraphs[0]
    mention.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mention.add_run(FOOTER_MENTION).font.size = Pt(7.5)
    pages = section_footer.add_paragraph(style=document.styles["Footer"])
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pages.add_run("Page ")
    _add_field(pages, "PAGE")
    pages.add_run(" / ")
    _add_field(pages, "NUMPAGES")
    for run in pages.runs:
        run.font.size = Pt(8)

"""Create the initial Word templates of templates/docx (bootstrap; the .docx are the source)."""

from __future__ import annotations

import argparse
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

logger = logging.getLogger("make_templates")

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates" / "docx"
FONT = "Arial"
INK = RGBColor(0x1F, 0x1F, 0x1F)
SHADE = "EDEDED"
RULE = "7F7F7F"
LABEL_WIDTH, VALUE_WIDTH = Cm(5.5), Cm(11.5)
FOOTER_MENTION = (
    "Document établi dans le cadre de la convention sécurité – tranquillité résidentielle "
    "de l'Essonne — données personnelles : accès restreint"
)


def _setup(title: str) -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    defaults = document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr")[0]
    _set_font(defaults)
    # French proofing in Word, so that the legal team is not flooded with English corrections.
    for language in defaults.xpath("w:lang"):
        language.set(qn("w:val"), "fr-FR")
    for name, size, bold in (("Normal", 10, False), ("Title", 20, True), ("Heading 1", 12, True)):
        style = document.styles[name]
        style.font.size, style.font.bold, style.font.color.rgb = Pt(size), bold, INK
        _set_font(style.element.get_or_add_rPr())
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


def _set_font(run_properties: Any) -> None:
    fonts = run_properties.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def _shade(cell: _Cell) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), SHADE)
    cell._tc.get_or_add_tcPr().append(shading)


def _write(cell: _Cell, text: str, bold: bool = False) -> None:
    # One run per cell: a placeholder split over several runs is harder to edit in Word.
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
    paragraph.add_run(text).bold = bold


def _fields_table(document: DocumentObject, rows: list[tuple[str, str]]) -> Table:
    table = document.add_table(rows=0, cols=2)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for name, value in rows:
        label_cell, value_cell = table.add_row().cells
        label_cell.width, value_cell.width = LABEL_WIDTH, VALUE_WIDTH
        _write(label_cell, name, bold=True)
        _shade(label_cell)
        _write(value_cell, value)
    document.add_paragraph()
    return table


def _repeat_header(table: Table) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    """Append a Word field (PAGE, NUMPAGES…) that Word computes when it lays out the pages."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
    paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _footer(document: DocumentObject) -> None:
    footer = document.sections[0].footer
    mention = footer.paragraphs[0]
    mention.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mention.add_run(FOOTER_MENTION).font.size = Pt(7.5)
    pages = footer.add_paragraph(style=document.styles["Footer"])
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pages.add_run("Page ")
    _add_field(pages, "PAGE")
    pages.add_run(" / ")
    _add_field(pages, "NUMPAGES")
    for run in pages.runs:
        run.font.size = Pt(8)


def fiche_signalement() -> DocumentObject:
    """The fiche de signalement sent to the forces and/or the parquet."""
    document = _setup("Fiche de signalement")
    document.add_paragraph("Fiche de signalement", style="Title")
    document.add_paragraph("Procédure n° {{ procedure_id }}")
    document.add_paragraph("Transmise le {{ transmis_le | date_fr }}")
    document.add_paragraph("Émetteur et destinataires", style="Heading 1")
    _fields_table(
        document,
        [
            ("Bailleur", "{{ bailleur }}"),
            ("Destinataire", "{{ facts.destinataire | label }}"),
            ("Organisme(s) destinataire(s)", '{{ destinataires | join(", ") }}'),
        ],
    )
    document.add_paragraph("Lieu des faits", style="Heading 1")
    _fields_table(
        document,
        [
            ("Résidence", "{{ facts.residence.nom }}"),
            ("Adresse", "{{ facts.residence.adresse }}"),
            ("Commune", "{{ commune }} (code INSEE {{ facts.residence.commune_insee }})"),
            ("Bâtiment", '{{ facts.residence.batiment | default("—", true) }}'),
            ("Hall", '{{ facts.residence.hall | default("—", true) }}'),
        ],
    )
    document.add_paragraph("Faits signalés", style="Heading 1")
    _fields_table(
        document,
        [
            ("Catégorie", "{{ facts.categorie | label }}"),
            ("Date et heure des faits", "{{ facts.faits_le | date_fr }}"),
            ("Source du signalement", "{{ facts.source | label }}"),
        ],
    )
    document.add_paragraph("Description des faits", style="Heading 1")
    document.add_paragraph("{{ facts.description }}")
    document.add_paragraph("{%p if facts.personnes %}")
    document.add_paragraph("Personnes concernées", style="Heading 1")
    persons = document.add_table(rows=4, cols=3)
    persons.style = document.styles["Table Grid"]
    persons.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = (
        ("Nom", "Prénom", "Locataire"),
        ("{%tr for personne in facts.personnes %}", "", ""),
        ("{{ personne.nom }}", "{{ personne.prenom or '' }}", "{{ personne.locataire | oui_non }}"),
        ("{%tr endfor %}", "", ""),
    )
    for index, texts in enumerate(rows):
        for cell, text in zip(persons.rows[index].cells, texts, strict=True):
            _write(cell, text, bold=index == 0)
            if index == 0:
                _shade(cell)
    _repeat_header(persons)
    document.add_paragraph("{%p endif %}")
    _footer(document)
    return document


TEMPLATES = {"fiche_signalement": fiche_signalement}


def main() -> None:
    """Write every template into the output folder (templates/docx by default)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=TEMPLATES_DIR)
    parser.add_argument("names", nargs="*", help=f"modèles à créer parmi {', '.join(TEMPLATES)}")
    arguments = parser.parse_args()
    unknown = set(arguments.names) - set(TEMPLATES)
    if unknown:
        parser.error(f"modèle inconnu : {', '.join(sorted(unknown))}")
    arguments.output.mkdir(parents=True, exist_ok=True)
    for name in arguments.names or TEMPLATES:
        path = arguments.output / f"{name}.docx"
        TEMPLATES[name]().save(str(path))
        logger.info("modèle écrit : %s", path)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main()

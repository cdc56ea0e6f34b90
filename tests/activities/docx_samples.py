"""A docxtpl template built in the tests, using what the repository's templates do not: a header,
footnotes, two sections, pictures, templated core properties, {%p %}, {%tr %} and {{r }} tags."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.shared import Mm
from PIL import Image

FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Note : {{ note }}</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)
FOOTNOTES_TYPE = (
    '<Override PartName="/word/footnotes.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
)
FOOTNOTES_REL = (
    '<Relationship Id="rIdNotes" Target="footnotes.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/footnotes"/>'
)


def sample_template(heading: str = "Titre : {{ titre }}") -> bytes:
    """The .docx of the sample template, its first paragraph being `heading`."""
    document = docx.Document()
    document.core_properties.title = "{{ titre }}"
    document.core_properties.subject = "Dossier {{ valeur }}"
    section = document.sections[0]
    section.header.paragraphs[0].text = "En-tête — {{ titre }}"
    section.footer.paragraphs[0].text = "Pied de page {{ valeur | default('—', true) }}"
    document.add_paragraph(heading)
    document.add_paragraph("{%p if montrer %}")
    document.add_paragraph("Montré : {{ valeur }} ; {% for x in items %}{{ x }}, {% endfor %}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{{r riche }}")
    document.add_paragraph("Texte : {{ texte }}")
    table = document.add_table(rows=4, cols=2)
    for cell, text in zip(table.rows[0].cells, ("Colonne A", "Colonne B"), strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for ligne in lignes %}"
    table.rows[2].cells[0].text = "{{ ligne.a }}"
    table.rows[2].cells[1].text = "{{ ligne.b }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    pixel = io.BytesIO()
    Image.new("RGB", (1, 1), "red").save(pixel, "PNG")
    for _ in range(2):  # docxtpl numbers the drawings of the body again
        document.add_picture(io.BytesIO(pixel.getvalue()), width=Mm(5))
    document.add_section()
    document.add_paragraph("Seconde section {# commentaire #}{{ titre | upper }}")
    saved = io.BytesIO()
    document.save(saved)
    return _with_footnotes(saved.getvalue())


def _with_footnotes(data: bytes) -> bytes:
    """`data` with a footnotes part, related to the document and declared in the content types
    (python-docx cannot add one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", FOOTNOTES_TYPE.encode() + b"</Types>")
            elif entry.filename == "word/_rels/document.xml.rels":
                rel = FOOTNOTES_REL.encode()
                content = content.replace(b"</Relationships>", rel + b"</Relationships>")
            target.writestr(entry, content)
        target.writestr("word/footnotes.xml", FOOTNOTES)
    return out.getvalue()

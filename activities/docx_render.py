"""docxtpl templates prepared once, rendered many times.

`DocxTemplate.render` loads the whole package, patches the tags of each part (body, headers,
footers, footnotes) and compiles it with jinja at every render, then python-docx serialises
and compresses every part again. A `PreparedDocx` does the loading, the patching and the
compilation once per template file; a render runs the compiled templates, finishes each part
as docxtpl does, and zips it with the parts no tag touches, compressed once. The parts are the
ones `DocxTemplate.render` then `save` produce (tests/activities/test_docx_render.py compares
them on every template).

A context is data (strings, numbers, lists, dicts, RichText, Listing): what needs the package
itself (InlineImage, Subdoc, a RichText's hyperlink) goes through `DocxTemplate`.
"""

from __future__ import annotations

import copy
import io
import re
import threading
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, Template

from activities.docx_zip import Member, zip_members

# The core properties docxtpl renders as templates (DocxTemplate.render_properties).
TEMPLATED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
# Prepared templates kept at most per cache: a few dozen files in a templates folder.
_CACHE_LIMIT = 64
_PARAGRAPH = re.compile(r"<w:p([ >])")
_PARAGRAPH_ON_ITS_LINE = re.compile(r"\n<w:p([ >])")
# What DocxTemplate.resolve_listing turns into breaks, tabs or pages: without any, it is a no-op.
_LISTING_CHARACTERS = re.compile("[\t\a\n\f]")
_BODY = qn("w:body")
# The first id docxtpl gives the drawings of the body (DocxTemplate.render_init).
_FIRST_DOCPR_ID = 1000


def _compile(env: Environment, helper: DocxTemplate, xml: str) -> Template:
    """A part's XML patched and compiled, as DocxTemplate.render_xml_part compiles it."""
    return env.from_string(_PARAGRAPH.sub(r"\n<w:p\1", helper.patch_xml(xml)))


def _run(helper: DocxTemplate, template: Template, context: Mapping[str, Any]) -> str:
    """A compiled part rendered and finished as DocxTemplate.render_xml_part finishes it."""
    xml = _PARAGRAPH_ON_ITS_LINE.sub(r"<w:p\1", template.render(context))
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return helper.resolve_listing(xml) if _LISTING_CHARACTERS.search(xml) else xml


class PreparedDocx:
    """One template file, loaded, patched and compiled; rendering it is thread-safe."""

    def __init__(self, data: bytes, env: Environment) -> None:
        self._env = env
        source = DocxTemplate(io.BytesIO(data))
        document = source.get_docx()
        package = document.part.package
        # Read as docxtpl's render_properties reads them: adds the part when the file has none.
        properties = document.core_properties
        self._properties = [
            (name, env.from_string(getattr(properties, name))) for name in TEMPLATED_PROPERTIES
        ]
        core = package.part_related_by(RT.CORE_PROPERTIES)
        self._core_member = core.partname.membername
        self._core_xml = core.blob

        self._body_member = document.part.partname.membername
        self._body = _compile(env, source, source.get_xml())
        # The document element with an empty body, as XML: each render parses its own copy
        # (an lxml tree is not shared between the threads running activities).
        shell = copy.deepcopy(document.element)
        body = shell.find(_BODY)
        if body is None:
            raise ValueError("le modèle n'a pas de corps de document (w:body)")
        body.clear()
        self._shell = serialize_part_xml(shell)

        self._stories: list[tuple[str, Template, str]] = []
        for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
            for _, part in source.get_headers_footers(uri):
                xml = source.get_part_xml(part)
                self._stories.append(
                    (
                        part.partname.membername,
                        _compile(env, source, xml),
                        source.get_headers_footers_encoding(xml),
                    )
                )
        # docxtpl renders the footnotes once per section, each time from the previous result.
        passes = len(document.sections)
        self._footnotes = [
            (part.partname.membername, _compile(env, source, part.blob.decode("utf-8")), passes)
            for part in package.iter_parts()
            if part.content_type == CT.WML_FOOTNOTES and passes
        ]

        saved = io.BytesIO()
        document.save(saved)
        with zipfile.ZipFile(saved) as archive:
            self._members = [
                Member.of(entry.filename, archive.read(entry)) for entry in archive.infolist()
            ]

    def render(
        self, context: Mapping[str, Any], stamp: datetime, properties: Mapping[str, Any]
    ) -> bytes:
        """The .docx filled with `context`, its core `properties` then set (after the templated
        ones), each zip member dated `stamp`."""
        helper = DocxTemplate(io.BytesIO())  # docxtpl's part finishing, without a package
        rendered = {self._body_member: self._render_body(helper, context)}
        for member, template, encoding in self._stories:
            story = _run(helper, template, context).encode(encoding)
            rendered[member] = serialize_part_xml(parse_xml(story))
        rendered[self._core_member] = self._render_properties(context, properties)
        for member, template, passes in self._footnotes:
            xml = _run(helper, template, context)
            for _ in range(passes - 1):
                xml = _run(helper, _compile(self._env, helper, xml), context)
            rendered[member] = xml.encode("utf-8")
        members = (
            Member.of(m.name, rendered[m.name]) if m.name in rendered else m for m in self._members
        )
        return zip_members(members, stamp)

    def _render_body(self, helper: DocxTemplate, context: Mapping[str, Any]) -> bytes:
        tree = helper.fix_tables(_run(helper, self._body, context))
        helper.docx_ids_index = _FIRST_DOCPR_ID
        helper.fix_docpr_ids(tree)
        root = parse_xml(self._shell)
        body = root.find(_BODY)
        assert body is not None  # checked when the template was prepared
        root.replace(body, tree)
        return serialize_part_xml(root)

    def _render_properties(
        self, context: Mapping[str, Any], properties: Mapping[str, Any]
    ) -> bytes:
        element = parse_xml(self._core_xml)
        core = CoreProperties(element)  # type: ignore[arg-type]
        for name, template in self._properties:
            setattr(core, name, template.render(context))
        for name, value in properties.items():
            setattr(core, name, value)
        return serialize_part_xml(element)


class PreparedTemplates:
    """The prepared template of each file, prepared again when the file's mtime or size
    changes (a template edited in Word is picked up by the next render)."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self._prepared: dict[Path, tuple[tuple[int, int], PreparedDocx]] = {}
        self._lock = threading.Lock()

    def get(self, path: Path) -> PreparedDocx:
        """The prepared template of the file at `path`."""
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
        cached = self._prepared.get(path)
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._lock:  # one preparation at a time, not one per waiting render
            cached = self._prepared.get(path)
            if cached is None or cached[0] != version:
                prepared = PreparedDocx(path.read_bytes(), self.env)
                self._prepared.pop(path, None)
                if len(self._prepared) >= _CACHE_LIMIT:
                    del self._prepared[next(iter(self._prepared))]
                cached = self._prepared[path] = (version, prepared)
        return cached[1]

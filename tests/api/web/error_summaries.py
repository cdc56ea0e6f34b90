"""Reading the error summaries of a page: each link of a summary and the words of the label (or
the legend) of the field it points to, the « (obligatoire) » mark set aside."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "source", "wbr", "col"})


@dataclass
class Node:
    """An element of the page: its tag, attributes, children and text."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """Its words, those of a « required » mark left out, spaces collapsed."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif "required" not in child.attrs.get("class", "").split():
                parts.append(child.text())
        return " ".join("".join(parts).split())

    def walk(self) -> list[Node]:
        """This element and every element inside it."""
        found = [self]
        for child in self.children:
            if isinstance(child, Node):
                found.extend(child.walk())
        return found

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse(html: str) -> Node:
    """The page as a tree of elements."""
    builder = _Builder()
    builder.feed(html)
    return builder.root


def field_name(page: Node, target: str) -> str | None:
    """The words naming the field of id `target`: its <label for>, or its fieldset's legend."""
    for node in page.walk():
        if node.tag == "label" and node.attrs.get("for") == target:
            return node.text()
    for node in page.walk():
        if node.attrs.get("id") == target and node.tag == "fieldset":
            legend = next(c for c in node.children if isinstance(c, Node) and c.tag == "legend")
            return legend.text()
    return None


def summary_links(html: str) -> list[tuple[str, str, str | None]]:
    """(link text, target id, name of the target field) of each link of the error summaries."""
    page = parse(html)
    found = []
    for summary in (n for n in page.walk() if "error-summary" in n.classes()):
        for link in (n for n in summary.walk() if n.tag == "a"):
            target = link.attrs.get("href", "").removeprefix("#")
            found.append((link.text(), target, field_name(page, target)))
    return found


def assert_summary_names_its_fields(html: str) -> None:
    """Every link of the page's error summaries reads as the label of the field it points to."""
    links = summary_links(html)
    assert links, "no link in an error summary"
    for text, target, name in links:
        assert name is not None, f"no field #{target} for « {text} »"
        assert text == name, f"« {text} » points to the field labelled « {name} »"

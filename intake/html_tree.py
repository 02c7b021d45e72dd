"""A mail's HTML as a tree of elements that know where they stand in the source text.

Enough of HTML's tree building for mail bodies, on the standard library's parser: void
elements, an open <p> or <li> closed by the block that follows it, an end tag closing the
elements left open inside it, and whatever is open at the end closed there. Each element
keeps, like lxml, its text before its first child and the tail text after it, and the
offsets of its start tag, its end tag and the next tag after it, so that a quotation found on
the tree is cut from the source: what is kept is the writer's markup as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# A start tag of these closes an open <p> (HTML's "closes a p element" rule, as mail uses it).
CLOSES_P = {"address", "article", "aside", "blockquote", "div", "dl", "fieldset", "footer", "form", "h1", "h2",
            "h3", "h4", "h5", "h6", "header", "hr", "ol", "p", "pre", "section", "table", "ul"}
HEAD = {"head", "meta", "style", "title", "link", "script", "base"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    start: int  # where its start tag begins
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)
    text: str = ""  # before its first child
    tail: str = ""  # after it, before the next tag
    inner_end: int | None = None  # where its end tag begins (its content's end)
    end: int | None = None  # just past its own end tag; None when something else closed it
    after: int | None = None  # where the next tag after it begins: its tail's end
    rule_above: int | None = None  # an <hr> right above it (no text between): where it begins

    def iter(self, into: Callable[[Element], bool] = lambda e: True) -> Iterator[Element]:
        """Itself and every element inside it, in document order; the inside of an element
        for which `into` is false is skipped. No recursion: a mail may nest without end."""
        todo = [self]
        while todo:
            element = todo.pop()
            yield element
            if element is self or into(element):
                todo.extend(reversed(element.children))

    def text_content(self, separator: str = "") -> str:
        """Its text; a separator between the pieces keeps "Dari: A" and "Dikirim:" apart."""
        parts: list[str] = []
        todo: list[Element | str] = [self]
        while todo:
            item = todo.pop()
            if isinstance(item, str):
                parts.append(item)
                continue
            parts.append(item.text)
            for child in reversed(item.children):
                todo.extend((child.tail, child))
        return separator.join(parts)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]
        self.root = Element("#document", {}, 0)
        self.stack = [self.root]
        self.last: Element | None = None  # the element whose tail the next text is
        self.open: dict[str, int] = {}  # open elements by tag name
        self.rule: int | None = None  # the last <hr>, while no text followed it

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _markup(self) -> int:
        """A tag begins here: the tail of the element before it ends."""
        at = self._offset()
        if self.last is not None and self.last.after is None:
            self.last.after = at
        self.last = None
        return at

    def _close(self, element: Element, at: int, implied: bool = False) -> None:
        """Its end tag begins at `at`; an element closed by another tag has no tail."""
        element.inner_end = at
        if not implied:
            close = self.source.find(">", at)
            element.end = close + 1 if close >= 0 else len(self.source)
        self.stack.pop()  # always the innermost open element
        self.open[element.tag] -= 1
        if implied:
            element.after = at
        else:
            self.last = element  # its tail ends at the next tag

    def handle_starttag(self, tag, attrs):
        at = self._markup()
        top = self.stack[-1]
        if (tag in CLOSES_P and top.tag == "p") or (tag == "li" and top.tag == "li"):
            self._close(top, at, implied=True)
            top = self.stack[-1]
        element = Element(tag, {k: v or "" for k, v in attrs}, at, parent=top, rule_above=self.rule)
        top.children.append(element)
        if tag == "hr":
            self.rule = at
        if tag in VOID:
            text = self.get_starttag_text() or ""
            element.inner_end = at + len(text)
            self.last = element
        else:
            self.stack.append(element)
            self.open[tag] = self.open.get(tag, 0) + 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if not self.open.get(tag):
            return  # a stray end tag: the text around it flows on
        at = self._markup()
        while self.stack[-1].tag != tag:  # the elements left open inside it end here
            self._close(self.stack[-1], at, implied=True)
        self._close(self.stack[-1], at)

    def handle_comment(self, data):
        self._markup()

    def handle_data(self, data):
        if data.strip():
            self.rule = None
        if self.last is not None:
            self.last.tail += data
        else:
            self.stack[-1].text += data

    def finish(self) -> Element:
        end = len(self.source)
        if self.last is not None and self.last.after is None:
            self.last.after = end
        for element in self.stack[1:]:
            element.inner_end = element.after = end
        self.stack = [self.root]
        self.root.inner_end = self.root.after = end
        return self.root


def parse(source: str) -> Element | None:
    """The tree of `source`, or None when the parser cannot read it."""
    builder = _Builder(source)
    try:
        builder.feed(source)
        builder.close()
    except Exception:  # html.parser is lenient; a page it cannot read keeps its structure unread
        return None
    return builder.finish()


def body(root: Element) -> Element:
    """The <body>, or the document itself for a fragment."""
    return next((e for e in root.iter() if e.tag == "body"), root)


def element_children(element: Element) -> list[Element]:
    """Its children that show in the body (not head parts)."""
    return [child for child in element.children if child.tag not in HEAD]


def text_starts(root: Element, size: int = 32) -> dict[Element, str]:
    """The start of every element's text content (without leading white space, at most about
    `size` characters): one pass from the leaves up, so a deep tree costs no more than a flat one."""
    starts: dict[Element, str] = {}
    for element in reversed(list(root.iter())):  # children before their parents
        text = element.text.lstrip()
        for child in element.children:
            if len(text) >= size:
                break
            text = (text + starts[child] + child.tail).lstrip()
        starts[element] = text[:size]
    return starts

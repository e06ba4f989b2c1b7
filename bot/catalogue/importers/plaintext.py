"""Plain text from the HTML and Markdown that product exports carry; standard library only.

Both converters return *blocks* so that an importer can pick the first paragraph, drop a section,
or turn list items into a list:
  ("heading", level, text)   a heading
  ("para", 0, text)          a paragraph
  ("list", 0, [item, ...])   a bulleted or numbered list
`render` turns blocks into text: paragraphs separated by a blank line, list items as "- item" lines.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

Block = tuple  # (kind, level, text | list[str])

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def _clean_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _clean(text: str) -> str:
    """Collapse spaces inside each line and drop empty lines."""
    lines = [_clean_line(line) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


# ── HTML ──────────────────────────────────────────────────────────────────────────────────────

_BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote", "pre",
    "table", "thead", "tbody", "tr", "dl", "dt", "dd", "figure", "figcaption", "address", "hr",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SKIPPED = {"script", "style", "template", "head"}


class _HtmlBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.heading = 0          # level of the heading being read, 0 if none
        self.lists = 0            # depth of <ul>/<ol>
        self.items: list[str] | None = None   # items of the outermost list being read
        self.in_item = 0
        self.skipping = 0

    # a run of text ends: store it as a heading, a list item or a paragraph
    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        self.buffer = []
        if not text:
            return
        if self.in_item and self.items is not None:
            self.items.append(text.replace("\n", " "))
        elif self.heading:
            self.blocks.append(("heading", self.heading, text.replace("\n", " ")))
        else:
            self.blocks.append(("para", 0, text))

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.buffer.append("\n")
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists == 0:
                self.items = []
            self.lists += 1
        elif tag == "li":
            self.flush()
            self.in_item += 1
        elif tag in _HEADINGS:
            self.flush()
            self.heading = _HEADINGS[tag]
        elif tag in _BLOCK_TAGS or tag in ("td", "th"):
            if tag in ("td", "th"):
                self.buffer.append(" ")
            else:
                self.flush()

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.buffer.append("\n")
        elif tag in _BLOCK_TAGS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "li":
            self.flush()
            self.in_item = max(0, self.in_item - 1)
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists = max(0, self.lists - 1)
            if self.lists == 0 and self.items is not None:
                if self.items:
                    self.blocks.append(("list", 0, self.items))
                self.items = None
                self.in_item = 0
        elif tag in _HEADINGS:
            self.flush()
            self.heading = 0
        elif tag in _BLOCK_TAGS:
            self.flush()

    def handle_data(self, data):
        if not self.skipping:
            self.buffer.append(data.replace("\n", " "))

    def close(self):
        super().close()
        self.flush()
        if self.items:
            self.blocks.append(("list", 0, self.items))
            self.items = None


def html_blocks(html: str) -> list[Block]:
    parser = _HtmlBlocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


def html_to_text(html: str) -> str:
    """'<p>Een <a href="x">link</a>.</p><ul><li>een</li></ul>' -> 'Een link.\\n\\n- een'."""
    return render(html_blocks(html))


def inline_html_to_text(text: str) -> str:
    """Tags removed and entities decoded, line structure otherwise kept (for text that is mostly not HTML)."""
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    parts = []
    for kind, _, value in parser.blocks:
        parts.append(" ".join(value) if kind == "list" else value)
    return " ".join(parts)


# ── Markdown ──────────────────────────────────────────────────────────────────────────────────

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MD_ITEM = re.compile(r"^\s*(?:[*+-]|\d{1,3}[.)])\s+(.*)$")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),                 # image -> alt text
    (re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)"), r"\1"),     # [label](url) -> label
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),                  # [label][ref] -> label
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),           # <http://...> -> http://...
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_PRIVATE = 0xE000   # escaped characters are parked in the Private Use Area while the patterns run
_MD_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")


def markdown_inline(text: str) -> str:
    text = _MD_ESCAPE.sub(lambda m: chr(_PRIVATE + ord(m.group(1))), text)
    for pattern, replacement in _MD_INLINE:
        text = pattern.sub(replacement, text)
    text = re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group(0)) - _PRIVATE), text)
    if "<" in text or "&" in text:
        text = inline_html_to_text(text)
    return _clean_line(text)


def markdown_blocks(markdown: str) -> list[Block]:
    """Blocks of a Markdown text (the subset product texts use: headings, paragraphs, lists)."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def end_paragraph():
        if paragraph:
            text = markdown_inline(" ".join(paragraph))
            if text:
                blocks.append(("para", 0, text))
            paragraph.clear()

    def end_list():
        if items:
            cleaned = [t for t in (markdown_inline(i) for i in items) if t]
            if cleaned:
                blocks.append(("list", 0, cleaned))
            items.clear()

    for raw in markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _MD_QUOTE.sub("", raw)
        if not line.strip():
            end_paragraph()
            # a blank line between items keeps the list going; anything else ends it
            continue
        if _MD_REFERENCE.match(line) or _MD_RULE.match(line):
            end_paragraph()
            end_list()
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            end_paragraph()
            end_list()
            text = markdown_inline(heading.group(2))
            if text:
                blocks.append(("heading", len(heading.group(1)), text))
            continue
        if paragraph and _MD_SETEXT.match(line) and not items:
            text = markdown_inline(" ".join(paragraph))
            paragraph.clear()
            if text:
                blocks.append(("heading", 1 if line.strip()[0] == "=" else 2, text))
            continue
        item = _MD_ITEM.match(line)
        if item:
            end_paragraph()
            items.append(item.group(1))
            continue
        if items and (raw.startswith((" ", "\t"))) and not paragraph:
            items[-1] += " " + line.strip()        # continuation of the last item
            continue
        end_list()
        paragraph.append(line.strip())
    end_paragraph()
    end_list()
    return blocks


def markdown_to_text(markdown: str) -> str:
    return render(markdown_blocks(markdown))


# ── Rendering ─────────────────────────────────────────────────────────────────────────────────

def render(blocks: list[Block]) -> str:
    parts = []
    for kind, _, value in blocks:
        if kind == "list":
            parts.append("\n".join(f"- {item}" for item in value))
        else:
            parts.append(value)
    return "\n\n".join(p for p in parts if p).strip()


def list_items(blocks: list[Block]) -> list[str]:
    """Entries for a list field such as `bring`.

    Without a list in `blocks`, every paragraph is one entry. With one list, its items are the
    entries. With several lists each introduced by a sentence ending in ':' ("If someone else
    applies for you:"), each such list becomes one entry "intro item; item", so that no item loses
    the condition it belongs to. Adjacent lists count as one.
    """
    merged: list[Block] = []
    for block in blocks:
        if block[0] == "list" and merged and merged[-1][0] == "list":
            merged[-1] = ("list", 0, merged[-1][2] + block[2])
        else:
            merged.append(block)
    lists = [(index, block[2]) for index, block in enumerate(merged) if block[0] == "list"]
    if not lists:
        return [value.replace("\n", " ") for kind, _, value in merged if kind in ("para", "heading")]
    if len(lists) == 1:
        return list(lists[0][1])
    entries = []
    for index, items in lists:
        before = merged[index - 1] if index else None
        if before is not None and before[0] in ("para", "heading") and before[2].rstrip().endswith(":"):
            entries.append(f"{before[2].strip()} {'; '.join(items)}")
        else:
            entries.extend(items)
    return entries

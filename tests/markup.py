"""What a CommonMark reader makes of a Markdown output: to prove input text stays text."""

from dataclasses import dataclass

# A hostile cell: a link, inline HTML, a heading after a blank line, a table cell, emphasis.
HOSTILE = "Ban QL [bấm vào](http://evil.example) <b>x</b>\n\n# Tiêu đề giả | *đậm* `mã`"
# How it must read, in the Markdown as rendered and in the Word draft: one line, literally.
HOSTILE_SHOWN = "Ban QL [bấm vào](http://evil.example) <b>x</b> # Tiêu đề giả | *đậm* `mã`"
INJECTED = {"link_open", "image", "html_inline", "html_block", "code_inline", "code_block"}


@dataclass
class Parsed:
    kinds: set[str]  # every token type, block and inline
    headings: list[str]
    texts: list[str]  # the literal text of each block, as a reader sees it


def parse(markdown: str) -> Parsed:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    children = [child for t in tokens for child in t.children or ()]
    return Parsed(
        kinds={t.type for t in tokens} | {c.type for c in children},
        headings=[tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"],
        texts=["".join(c.content for c in t.children or () if c.type == "text") for t in tokens],
    )

"""Markdown rendered once on write and sanitised; reads serve the stored HTML.

Raw HTML in the source is never passed through (markdown-it's ``html`` option is off), and
the rendered HTML is cleaned again by nh3 with a small allow-list, so a bug in one layer
does not become a script in a reader's browser."""

import re
import unicodedata
from collections.abc import Callable, Iterable

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "img", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    "details", "summary", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title", "loading"},
    "th": {"align"},
    "td": {"align"},
    "span": {"class"},
    "details": {"class"},
    "ol": {"start"},
}
MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_][A-Za-z0-9_.+-]{1,149})")
# Bidirectional overrides and zero-width characters: used to disguise text, never needed.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _spoiler_render(self, tokens, idx, options, env):
    if tokens[idx].nesting == 1:
        return '<details class="spoiler"><summary>Spoiler</summary>\n'
    return "</details>\n"


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "maxNesting": 20})
    md.enable(["table", "strikethrough"])
    md.use(container_plugin, name="spoiler", render=_spoiler_render)
    md.core.ruler.push("mentions", _mentions_rule)
    return md


def _mentions_rule(state) -> None:
    """Turn @name into a profile link, only for names the caller resolved as members, and
    never inside code or an existing link."""
    resolve: Callable[[str], str | None] | None = state.env.get("mention_url")
    if resolve is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, in_link = [], 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            if token.type != "text" or in_link or "@" not in token.content:
                children.append(token)
                continue
            children.extend(_split_mentions(token.content, resolve, state))
        block.children = children


def _split_mentions(text: str, resolve, state) -> list[Token]:
    tokens, last = [], 0
    for match in MENTION.finditer(text):
        url = resolve(match.group(1))
        if url is None:
            continue
        if match.start() > last:
            tokens.append(_text(text[last : match.start()], state))
        link = Token("link_open", "a", 1)
        link.attrs = {"href": url, "class": "mention"}
        tokens.extend([link, _text(match.group(0), state), Token("link_close", "a", -1)])
        last = match.end()
    if last < len(text):
        tokens.append(_text(text[last:], state))
    return tokens


def _text(content: str, state) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


_md = _build()


def clean_text(text: str) -> str:
    """Normalise user text: NFC, no invisible direction tricks, Unix newlines."""
    text = unicodedata.normalize("NFC", text or "")
    text = INVISIBLE.sub("", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def mentioned_names(text: str) -> list[str]:
    """Distinct @names in order of appearance (lower-cased)."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1).lower().rstrip("."), None)
    return list(seen)


def link_and_image_counts(text: str) -> tuple[int, int]:
    """How many links and images ``text`` renders to (mentions are not links yet here)."""
    links = images = 0
    for block in _md.parse(text):
        for token in block.children or ():
            links += token.type == "link_open"
            images += token.type == "image"
    return links, images


def render_markdown(
    text: str, *, mention_url: Callable[[str], str | None] | None = None, nofollow: bool = True
) -> str:
    html = _md.render(text, {"mention_url": mention_url} if mention_url else {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener" if nofollow else "ugc noopener",
        set_tag_attribute_values={"img": {"loading": "lazy"}},
    )


def plain_text(html_fragments: Iterable[str]) -> str:
    """The words of rendered HTML, for search indexing."""
    return " ".join(nh3.clean(fragment, tags=set()) for fragment in html_fragments)

from html.parser import HTMLParser

SCRIPT_CAPABLE_TAGS = {
    "script",
    "svg",
    "iframe",
    "object",
    "embed",
    "style",
    "math",
    "form",
    "input",
}


def script_capable_parts(html: str) -> list[str]:
    """Every tag or attribute in the HTML that could run script or load active content."""
    found: list[str] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in SCRIPT_CAPABLE_TAGS:
                found.append(tag)
            for name, value in attrs:
                value = (value or "").strip().lower()
                if name.startswith("on") or name == "style":
                    found.append(f"{tag}[{name}]")
                if name in ("href", "src") and value.startswith(
                    ("javascript:", "data:", "vbscript:")
                ):
                    found.append(f"{tag}[{name}={value[:20]}]")

    Collector().feed(html)
    return found

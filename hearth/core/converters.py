"""Bounds on the integers that reach a query.

An id in a URL or a form ends up compared with a 64-bit column. A larger number is
not an error of ours but of the request: it must mean "not found", never an overflow
in the database driver (SQLite's ``OverflowError``, PostgreSQL's ``DataError``)."""

# The largest value of a 64-bit signed column: every id (BigAutoField) is at most this.
MAX_ID = 2**63 - 1


class IdConverter:
    """``<id:name>``: a positive integer that fits an id column. Anything larger does not
    match the pattern, so the URL is a plain 404 before any view or query runs."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value} is not an id")
        return number

    def to_url(self, value) -> str:
        return str(value)


def parse_id(value) -> int | None:
    """``value`` as an id if it is one (decimal digits, in range), else None."""
    text = str(value)
    if not (text.isascii() and text.isdecimal()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None

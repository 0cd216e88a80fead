"""CSV exports that open safely in spreadsheets."""


def spreadsheet_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in member-written text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

"""ISO 4217 currency codes (the active ones, as published by the ISO 4217 maintenance
agency; funds and precious-metal codes left out), and how an amount is shown in one."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CODES_TEXT = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD
    BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB
    EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK
    JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA
    MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK
    PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN
    SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV
    WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
"""
CODES = frozenset(_CODES_TEXT.split())

# Symbols written before the amount; any other currency is written after it by its code.
SYMBOLS = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩",
    "AUD": "A$", "CAD": "CA$", "NZD": "NZ$", "BRL": "R$", "MXN": "MX$", "ILS": "₪",
}  # fmt: skip


def is_currency(code: str) -> bool:
    return code in CODES


def money(amount: Decimal, code: str, *, places: int = 0) -> str:
    """``amount`` rounded to ``places`` with thousands separators: "€1,240", "1,240 CHF"."""
    quantum = Decimal(1).scaleb(-places)
    number = f"{amount.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    symbol = SYMBOLS.get(code)
    if symbol is None:
        return f"{number} {code}"
    if number.startswith("-"):
        return f"−{symbol}{number[1:]}"
    return f"{symbol}{number}"

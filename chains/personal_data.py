"""Personal data in text: emails, phone numbers, UK National Insurance numbers, UK postcodes, card numbers."""

from __future__ import annotations

import re

import phonenumbers
from stdnum import luhn

__all__ = ["PII_KINDS", "PII_NAMES", "kind_bit", "personal_data", "personal_data_mask"]

PII_KINDS = ("email", "phone", "ni_number", "postcode", "card")
PII_NAMES = {
    "email": "emails",
    "phone": "phone numbers",
    "ni_number": "National Insurance numbers",
    "postcode": "postcodes",
    "card": "card numbers",
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# HMRC: first letter not D F I Q U V; second not D F I O Q U V; prefixes BG GB KN NK NT TN ZZ never issued; suffix A-D.
_NI_NUMBER = re.compile(r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.I)
_POSTCODE = re.compile(r"\b([A-Z]{1,2})(\d[A-Z\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})\b", re.I)
_POSTCODE_AREAS = frozenset(
    [
        "AB",
        "AL",
        "B",
        "BA",
        "BB",
        "BD",
        "BF",
        "BH",
        "BL",
        "BN",
        "BR",
        "BS",
        "BT",
        "BX",
        "CA",
        "CB",
        "CF",
        "CH",
        "CM",
        "CO",
        "CR",
        "CT",
        "CV",
        "CW",
        "DA",
        "DD",
        "DE",
        "DG",
        "DH",
        "DL",
        "DN",
        "DT",
        "DY",
        "E",
        "EC",
        "EH",
        "EN",
        "EX",
        "FK",
        "FY",
        "G",
        "GL",
        "GU",
        "GY",
        "HA",
        "HD",
        "HG",
        "HP",
        "HR",
        "HS",
        "HU",
        "HX",
        "IG",
        "IM",
        "IP",
        "IV",
        "JE",
        "KA",
        "KT",
        "KW",
        "KY",
        "L",
        "LA",
        "LD",
        "LE",
        "LL",
        "LN",
        "LS",
        "LU",
        "M",
        "ME",
        "MK",
        "ML",
        "N",
        "NE",
        "NG",
        "NN",
        "NP",
        "NR",
        "NW",
        "OL",
        "OX",
        "PA",
        "PE",
        "PH",
        "PL",
        "PO",
        "PR",
        "RG",
        "RH",
        "RM",
        "S",
        "SA",
        "SE",
        "SG",
        "SK",
        "SL",
        "SM",
        "SN",
        "SO",
        "SP",
        "SR",
        "SS",
        "ST",
        "SW",
        "SY",
        "TA",
        "TD",
        "TF",
        "TN",
        "TQ",
        "TR",
        "TS",
        "TW",
        "UB",
        "W",
        "WA",
        "WC",
        "WD",
        "WF",
        "WN",
        "WR",
        "WS",
        "WV",
        "YO",
        "ZE",
    ]
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)")
# Runs of digits with short separators between them: every kind but email holds one, so each run's
# neighbourhood is all the other patterns need to look at. One fast scan per text instead of one per kind.
_NUMBERS = re.compile(r"\d(?:[ ().-]{0,2}\d)*")
_CARD = re.compile(r"\d(?:[ -]?\d){12,18}")
_DIGIT_MASK = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))  # ASCII digits -> '0', the rest -> ' '


def _number_runs(text: str):
    """The runs of digits in text, found with C-speed byte scans where the text is ASCII."""
    if not text.isascii():
        yield from _NUMBERS.finditer(text)
        return
    mask = text.encode("ascii").translate(_DIGIT_MASK)
    pos = mask.find(b"0")
    while pos >= 0:
        run = _NUMBERS.match(text, pos)
        if run is None:  # the mask marks digits, and a digit always starts a number: not reached
            return
        yield run
        pos = mask.find(b"0", run.end())


_AROUND = 8  # characters either side of a run: room for an NI number's letters, a postcode's area, a '+44'


def _is_phone(match: phonenumbers.PhoneNumberMatch) -> bool:
    """A number written the UK way (0 or +44, then ten digits), or any valid number written with +country code.

    UK-shaped numbers count whatever their range: libphonenumber's validity check rejects ranges it holds no
    data for (Ofcom's drama numbers, 07700 900xxx, among them), and a bare run of digits such as an order
    number is not read as a phone number unless it starts with 0.
    """
    number, raw = match.number, match.raw_string.lstrip("(")
    uk_shaped = number.country_code == 44 and len(str(number.national_number)) == 10
    if raw.startswith("+"):
        return uk_shaped or phonenumbers.is_valid_number(number)
    return raw.startswith("0") and uk_shaped


def _has_postcode(text: str, lo: int, hi: int) -> bool:
    for m in _POSTCODE.finditer(text, lo, hi):
        if m.group(1).upper() in _POSTCODE_AREAS and not (m.group(0).islower() and _ORDINAL.fullmatch(m.group(3))):
            return True
    return False


def _has_card(text: str, lo: int, hi: int) -> bool:
    for m in _CARD.finditer(text, lo, hi):
        start, end = m.span()
        if (start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
            continue  # part of a longer number
        digits = re.sub(r"\D", "", m.group())
        if digits.strip("0") and luhn.is_valid(digits):
            return True
    return False


def personal_data(text: str) -> set[str]:
    """The kinds of personal data in text: a subset of PII_KINDS."""
    found: set[str] = set()
    at = text.find("@")
    while at >= 0 and not found:
        if _EMAIL.search(text, max(0, at - 64), at + 256):
            found.add("email")
        at = text.find("@", at + 1)
    for run in _number_runs(text):
        start, end = run.span()
        lo, hi = max(0, start - _AROUND), min(len(text), end + _AROUND)
        digits = sum(map(str.isdigit, run.group()))
        if (
            digits >= 9
            and "phone" not in found
            and any(
                _is_phone(m) for m in phonenumbers.PhoneNumberMatcher(text[lo:hi], "GB", leniency=phonenumbers.Leniency.POSSIBLE)
            )
        ):
            found.add("phone")
        if digits >= 13 and "card" not in found and _has_card(text, start, end):
            found.add("card")
        if digits >= 6 and "ni_number" not in found and _NI_NUMBER.search(text, lo, hi):
            found.add("ni_number")
        if digits <= 3 and end < len(text) and text[end].isalpha() and "postcode" not in found and _has_postcode(text, lo, hi):
            found.add("postcode")
    return found


_PII_BIT = {kind: 1 << i for i, kind in enumerate(PII_KINDS)}


def personal_data_mask(text: str) -> int:
    """The kinds found in text as bits (bit i for PII_KINDS[i]): one byte per row keeps the audit's memory flat."""
    mask = 0
    for kind in personal_data(text):
        mask |= _PII_BIT[kind]
    return mask


def kind_bit(kind: str) -> int:
    return _PII_BIT[kind]

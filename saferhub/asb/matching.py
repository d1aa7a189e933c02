"""Keys that let the database find likely duplicates among a few rows: phonetic keys of names (jellyfish's
NYSIIS, which survives typing variations such as Smith/Smyth and Jon/John) and normalised postcodes."""

import re

import jellyfish

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
_WORD = re.compile(r"[a-z]+")


def postcode_normalise(text: str) -> str:
    """'le1 5fq' -> 'LE1 5FQ'; "" for text that is no UK postcode."""
    match = _POSTCODE.match(text.strip().upper())
    return f"{match.group(1)} {match.group(2)}" if match else ""


def name_words(name: str) -> list[str]:
    return _WORD.findall(name.lower())


def name_keys(name: str) -> tuple[str, str]:
    """(family key, given key): the phonetic keys of the last and the first word of a name."""
    words = name_words(name)
    if not words:
        return "", ""
    return jellyfish.nysiis(words[-1])[:20], jellyfish.nysiis(words[0])[:20] if len(words) > 1 else ""

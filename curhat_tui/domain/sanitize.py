"""Make untrusted text safe to show in a terminal: control characters never reach it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from curhat_tui.domain.models import Visit

# C0 controls except tab/newline, DEL, C1 controls, and bidi overrides/isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Replace terminal control characters (ESC, CSI, OSC, BEL...) with visible symbols.

    ESC becomes '␛' so that an escape sequence is shown literally rather than run;
    other controls become U+FFFD. Tabs become spaces; CRLF becomes LF.
    """
    text = text.replace("\r\n", "\n").replace("\t", "    ")

    def repl(match: re.Match[str]) -> str:
        ch = match.group(0)
        if ch == "\x1b":
            return "␛"
        if ch == "\r":
            return "\n"
        return "\ufffd"

    return _UNSAFE.sub(repl, text)


def shown_safely(visit: Visit) -> Visit:
    """A visit whose client-written words (alias, topic, intake answer) can run nothing in a terminal."""
    return replace(visit, alias=clean(visit.alias), topic=clean(visit.topic),
                   intake_risk_answer=clean(visit.intake_risk_answer))


def cleaned(value: object) -> object:
    """`value` with every text in it, however deep in lists and objects, run through `clean`: a record from another
    machine (a supervision link's) that can run nothing in a terminal wherever a part of it is shown."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [cleaned(item) for item in value]
    return value


# letters of other scripts that a terminal shows like Latin ones (Cyrillic, Greek): "Іbu" reads as "Ibu"
_LOOK_ALIKE = str.maketrans("АВЕКМНОРСТХУІЈЅаеорсухіјѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧνορτυχӀӏ",
                            "ABEKMHOPCTXYIJSaeopcyxijsdqwABEZHIKMNOPTYXvoptuxIl")


def skeleton(name: str) -> str:
    """How a name reads on screen: compatibility forms (full-width letters) and look-alike letters folded, case
    ignored. Two names with one skeleton are taken for each other."""
    return unicodedata.normalize("NFKC", name).translate(_LOOK_ALIKE).casefold()

"""`curhat risk-scan [FILE]`: the risk detector over text, one JSON object per input line.

Supervisors audit transcripts with it, trainers try phrases. Each line is read as the app reads a client's
message (made safe for a terminal first) and answered with
{"line": N, "items": [...], "imminent": true|false, "evidence": ["...", ...]}: the red-flag items it would
suggest (empty when none), whether it calls suicide risk imminent, and the words that carried the decision.
With `--bursts`, consecutive lines are one client's bubbles and a blank line ends the burst (the counselor's reply): each
line is read with the lines before it in its burst, as the app reads a client's messages, and its evidence names the
words in any of those lines. A line that begins with ">" is the counselor's message: it ends the burst too, and the
lines after it are also read as its answer, as the app reads them ("> kamu pernah kepikiran bunuh diri?" then "iya").
Reads standard input when no FILE (or "-") is given. Needs no data dir and touches no
database. `--lang` says the language of its one sentence, the file it cannot read (`curhat --lang en risk-scan` works
too: cli/__init__.py moves an option given before the command to after it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO


def risk_scan_main(argv: list[str], out: TextIO | None = None) -> int:
    from curhat_tui.config.datafiles import DataError, load_all
    from curhat_tui.domain.bursts import BURST_BUBBLES, read_burst
    from curhat_tui.domain.sanitize import clean

    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="curhat risk-scan",
                                     description="Run the risk detector over each line of FILE (or standard input) and "
                                                 "print one JSON object per line: line, items, imminent, evidence.")
    parser.add_argument("file", nargs="?", default="-", metavar="FILE", help="a text file, one message per line")
    reading = parser.add_mutually_exclusive_group()
    reading.add_argument("--scores", action="store_true", help="add each model head's probability (for auditing)")
    reading.add_argument("--bursts", action="store_true",
                         help="read each line with the lines before it, a blank line ending a burst (as the app reads a "
                              "client's bubbles until the counselor replies); a line beginning with '>' is the "
                              "counselor's message, which the lines after it answer")
    parser.add_argument("--lang", choices=("id", "en"), help="language of the error message (default: id)")
    args = parser.parse_args(argv)
    try:
        detector = load_all().phrases
    except DataError as exc:
        print(f"curhat risk-scan: {exc}", file=sys.stderr)
        return 2
    try:
        stream = sys.stdin if args.file == "-" else Path(args.file).open(encoding="utf-8", errors="replace")
    except OSError as exc:
        from curhat_tui.cli.passphrase import cli_catalogue

        print(cli_catalogue(args.lang)("cli.risk_scan.unreadable", file=args.file, error=exc.strerror), file=sys.stderr)
        return 2
    burst: list[str] = []
    asked, since = "", 0  # the counselor's message, and how many lines came after it
    so_far: set[str] = set()  # what the client's lines so far were suggested for
    raised: frozenset[str] = frozenset()  # ... before the counselor's message
    with stream:
        for number, raw in enumerate(stream, 1):
            text = clean(raw.rstrip("\r\n"))
            if args.bursts and text.startswith(">"):
                burst, asked, since, raised = [], text[1:].strip(), 0, frozenset(so_far)
                out.write(json.dumps({"line": number, "items": [], "imminent": False, "evidence": []}) + "\n")
                continue
            if args.bursts:
                burst = (burst + [text])[-BURST_BUBBLES:] if text.strip() else []  # no older line is read with it
                asked, since = (asked, since + 1) if text.strip() else ("", 0)
                read = read_burst(detector, burst or [text], asked if since <= BURST_BUBBLES else "", raised)
                so_far.update(read.items)
                evidence = [said[h.start:h.end] for said, spans in zip(burst or [text], read.evidence) for h in spans]
                out.write(json.dumps({"line": number, "items": list(read.items), "imminent": read.imminent,
                                      "evidence": evidence}, ensure_ascii=False) + "\n")
                continue
            found = detector.detect(text)
            answer: dict[str, object] = {"line": number, "items": list(found.items), "imminent": found.imminent,
                                         "evidence": found.evidence_text(text)}
            if args.scores:
                answer["scores"] = {head: round(p, 4) for head, p in found.scores.items()}
            out.write(json.dumps(answer, ensure_ascii=False) + "\n")
    out.flush()
    return 0

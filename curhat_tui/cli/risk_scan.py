"""`curhat risk-scan [FILE]`: the risk detector over text, one JSON object per input line.

Supervisors audit transcripts with it, trainers try phrases. Each line is read as the app reads a client's
message (made safe for a terminal first) and answered with
{"line": N, "items": [...], "imminent": true|false, "evidence": ["...", ...]}: the red-flag items it would
suggest (empty when none), whether it calls suicide risk imminent, and the words that carried the decision.
Reads standard input when no FILE (or "-") is given. Needs no data dir and touches no database. `--lang`
says the language of its one sentence, the file it cannot read (`curhat --lang en risk-scan` works too: cli/__init__.py
moves an option given before the command to after it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO


def risk_scan_main(argv: list[str], out: TextIO | None = None) -> int:
    from curhat_tui.config.datafiles import DataError, load_all
    from curhat_tui.domain.sanitize import clean

    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="curhat risk-scan",
                                     description="Run the risk detector over each line of FILE (or standard input) and "
                                                 "print one JSON object per line: line, items, imminent, evidence.")
    parser.add_argument("file", nargs="?", default="-", metavar="FILE", help="a text file, one message per line")
    parser.add_argument("--scores", action="store_true", help="add each model head's probability (for auditing)")
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
    with stream:
        for number, raw in enumerate(stream, 1):
            text = clean(raw.rstrip("\r\n"))
            found = detector.detect(text)
            answer: dict[str, object] = {"line": number, "items": list(found.items), "imminent": found.imminent,
                                         "evidence": found.evidence_text(text)}
            if args.scores:
                answer["scores"] = {head: round(p, 4) for head, p in found.scores.items()}
            out.write(json.dumps(answer, ensure_ascii=False) + "\n")
    out.flush()
    return 0

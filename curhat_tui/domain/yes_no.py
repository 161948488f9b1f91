"""How a chat answer says yes or no: the words the intake's screening question (domain/intake.py) and the risk
detector's answer reading (domain/risk_answer.py) both read, as clients type them (drawn-out letters are the callers'
to fold: "iyaaa", "pernahh")."""

from __future__ import annotations

NEGATIONS = frozenset("tidak tdk ga gak gk nggak ngga enggak engga ndak nda kagak kaga belum never not no nope nah "
                      "ora durung henteu teu acan don't dont didn't didnt haven't havent".split())  # Javanese, Sundanese
# a plain yes (Javanese inggih/nggih/hooh, Sundanese muhun, Betawi iye) or "often"
YES_WORDS = frozenset("ya iya iyaa iyah iye iyo iy iyap iyes yoi y yes yup yups yep yap yeah sering often always "
                      "selalu inggih nggih enggih injih hooh hoh heeh huum muhun leres".split())
SOME_WORDS = frozenset("pernah kadang terkadang kadang2 kdg kdg2 kdng sometimes jarang rarely sempat sempet lumayan "
                       "dikit sedikit masih occasionally once kepikiran kepikir".split())  # some of the time

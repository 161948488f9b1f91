"""Red team: characters that do not show on screen, or show as the same letters, hide a risk statement from the
detector. The counselor's transcript shows "aku mau bunuh diri malam ini" with no red-flag suggestion and no
"imminent" line, and the intake does not move the client up the queue (intake/risk_words.py reads the same
detector). Zero-width spaces and joiners come with copy-pasted text and some keyboards; full-width letters with
some input methods. `clean()` (domain/sanitize.py) keeps both, so they are in what is stored and scanned.
"""

from __future__ import annotations

import pytest

PLAIN = "aku mau bunuh diri malam ini"
DISGUISED = {
    "zero-width space": "aku mau bun\u200buh di\u200bri malam ini",
    "zero-width joiner": "aku mau bu\u200dnuh di\u200dri malam ini",
    "zero-width non-joiner": "aku mau bunuh di\u200cri malam ini",
    "byte-order mark": "aku mau bu\ufeffnuh di\ufeffri malam ini",
    "soft hyphen": "aku mau bu\u00adnuh di\u00adri malam ini",
    "full-width letters": "aku mau \uff42\uff55\uff4e\uff55\uff48 \uff44\uff49\uff52\uff49 malam ini",
}


@pytest.mark.parametrize("kind", sorted(DISGUISED))
def test_invisible_or_look_alike_characters_do_not_hide_a_risk_statement(data, kind):
    plain = data.phrases.detect(PLAIN)
    if not plain.items:
        pytest.skip("the detector does not flag the plain statement any more; nothing to compare with")
    disguised = data.phrases.detect(DISGUISED[kind])
    assert list(disguised.items) == list(plain.items) and disguised.imminent == plain.imminent, kind


@pytest.mark.parametrize("kind", ["zero-width space", "full-width letters"])
def test_the_highlight_points_at_the_words_as_the_client_wrote_them(data, kind):
    """The counselor's highlight marks the disguised words themselves, not letters shifted beside them."""
    plain, disguised = data.phrases.detect(PLAIN), data.phrases.detect(DISGUISED[kind])
    marked = disguised.evidence_text(DISGUISED[kind])
    assert marked and len(marked) == len(plain.evidence_text(PLAIN))
    from curhat_tui.domain.risk_text import visible
    assert [visible(m)[0] for m in marked] == plain.evidence_text(PLAIN)

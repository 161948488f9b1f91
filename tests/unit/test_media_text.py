"""A client's picture, voice note, file or place shows as a clear placeholder naming what came."""

from __future__ import annotations

from curhat_tui.channels.matrix.entries import client_text
from curhat_tui.domain.i18n import Catalogue


def test_words_stay_words_and_media_become_placeholders(data):
    t = Catalogue(data.strings, "id")
    assert client_text("m.room.message", {"msgtype": "m.text", "body": "halo kak"}, t) == "halo kak"
    image = client_text("m.room.message", {"msgtype": "m.image", "body": "IMG_2041.jpg", "url": "mxc://x/y"}, t)
    assert image.startswith("[gambar dikirim: IMG_2041.jpg]") and "mxc://" not in image
    place = client_text("m.room.message", {"msgtype": "m.location", "body": "Lokasi saya",
                                           "geo_uri": "geo:-6.2,106.8"}, Catalogue(data.strings, "en"))
    assert place.startswith("[location shared: Lokasi saya geo:-6.2,106.8]")
    assert "voice note" in client_text("m.room.message", {"msgtype": "m.audio", "body": "ptt.ogg"},
                                       Catalogue(data.strings, "en"))
    assert client_text("m.sticker", {"body": "kucing nangis"}, t).startswith("[stiker dikirim: kucing nangis]")
    assert client_text("m.room.message", {"msgtype": "m.image"}, t) is None  # nothing to show: nothing stored
    assert client_text("m.room.message", {"msgtype": "m.text", "body": ["not", "text"]}, t) is None

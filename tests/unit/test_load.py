"""A counselor's load: sessions weighed by risk against the service's cap, and [service] in config.toml."""

import pytest

from curhat_tui.config.settings import ConfigError, load_settings
from curhat_tui.domain.load import fits, load_of, weight
from curhat_tui.domain.models import Risk


def test_riskier_sessions_weigh_more():
    assert weight(Risk.LOW) < weight(Risk.MODERATE) < weight(Risk.HIGH)
    assert load_of([Risk.LOW, Risk.HIGH]) == weight(Risk.LOW) + weight(Risk.HIGH)


def test_the_cap_refuses_what_would_pass_it_but_never_the_first_session():
    assert fits(load_of([Risk.LOW, Risk.LOW]), Risk.MODERATE, cap=4)
    assert not fits(load_of([Risk.LOW, Risk.LOW]), Risk.HIGH, cap=4)
    assert fits(0, Risk.HIGH, cap=2)  # nobody is left unable to take a high-risk client
    assert fits(99, Risk.HIGH, cap=0)  # 0 = no cap


def test_service_settings_read_and_checked(tmp_path):
    assert load_settings(tmp_path).service.max_load == 4
    (tmp_path / "config.toml").write_text('[service]\nmax_load = 6\ncall_link = "https://meet.jit.si/x-{session}"\n')
    service = load_settings(tmp_path).service
    assert (service.max_load, service.call_link) == (6, "https://meet.jit.si/x-{session}")
    for bad in ("max_load = -1", 'max_load = "4"', 'call_link = "https://meet.jit.si/fixed"',
                'call_link = "http://x/{session}"', "cap = 3"):
        (tmp_path / "config.toml").write_text(f"[service]\n{bad}\n")
        with pytest.raises(ConfigError, match=r"config\.toml: \[service\]"):
            load_settings(tmp_path)

"""Shares as the pages word them: a rounded 0% or 100% never reads as nobody or everybody."""

import pytest

from speakup.core.numbers import share_in_words


@pytest.mark.parametrize(
    ("part", "whole", "words"),
    [
        (0, 90_103, "0%"),  # nobody: 0% is true
        (80, 90_103, "under 1%"),  # 0.09%: "0%" read as nobody
        (1, 200, "1%"),  # 0.5% rounds up to 1%, which is not 0
        (42, 80, "53%"),  # a half rounded up, as percent() does
        (199, 200, "over 99%"),  # 99.5% rounds to 100%: "100%" read as everybody
        (90_023, 90_103, "over 99%"),
        (197, 200, "99%"),  # 98.5% rounds to 99%, which is not 100
        (200, 200, "100%"),  # everybody: 100% is true
    ],
)
def test_a_share_is_worded_so_that_only_nobody_is_0_and_only_everybody_100(part, whole, words):
    assert share_in_words(part, whole) == words


def test_a_share_of_nobody_is_left_to_each_page_to_word():
    with pytest.raises(ValueError, match="a share of nobody"):
        share_in_words(0, 0)

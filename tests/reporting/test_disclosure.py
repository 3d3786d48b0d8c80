"""Small numbers never unmask a speaker: primary and secondary suppression, proved by search."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speakup.reporting import disclosure
from speakup.reporting.disclosure import suppress_count, suppress_share, suppress_table

LIMIT = 5


def test_counts_from_one_to_four_are_shown_as_fewer_than_five():
    assert [suppress_count(n, limit=LIMIT).text for n in range(7)] == [
        "0",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        "5",
        "6",
    ]
    assert suppress_count(3, limit=LIMIT).value is None
    assert suppress_count(1234, limit=LIMIT).text == "1,234"


def test_zero_is_shown_because_an_empty_cell_identifies_nobody():
    zero = suppress_count(0, limit=LIMIT)
    assert (zero.text, zero.suppressed, zero.value) == ("0", False, 0)


def test_the_threshold_comes_from_settings(settings):
    settings.SPEAKUP_SUPPRESSION_THRESHOLD = 10
    assert suppress_count(7).text == "fewer than 10"
    assert disclosure.small_text() == "fewer than 10"


def test_a_share_of_a_suppressed_count_is_suppressed():
    assert suppress_share(3, 40, limit=LIMIT).text == "not shown"
    assert suppress_share(30, 3, limit=LIMIT).suppressed
    assert suppress_share(10, 40, limit=LIMIT).text == "25%"
    assert suppress_share(0, 0, limit=LIMIT).text == "not applicable"
    hidden = suppress_table({"a": 2, "b": 9, "c": 20}, exclusive=True, limit=LIMIT)
    assert suppress_share(hidden.cells["b"], hidden.total).suppressed


def test_one_small_cell_in_an_exclusive_table_hides_the_next_smallest_too():
    table = suppress_table(
        {"nurses": 2, "doctors": 9, "admin": 30, "students": 0}, exclusive=True, limit=LIMIT
    )
    assert {k: v.text for k, v in table.cells.items()} == {
        "nurses": "fewer than 5",
        "doctors": "not shown",
        "admin": "30",
        "students": "0",
    }
    assert table.total.text == "41"


def test_a_non_exclusive_table_hides_only_the_small_cells():
    # Elements: a case can carry several, so the cells do not add up to the total and no
    # cell can be worked out by subtraction.
    table = suppress_table(
        {"patient_safety": 2, "bullying": 9, "worker_safety": 30}, 35, exclusive=False, limit=LIMIT
    )
    assert [c.text for c in table.cells.values()] == ["fewer than 5", "9", "30"]
    assert table.total.text == "35"


def test_a_small_total_hides_every_cell_even_empty_ones():
    table = suppress_table({"a": 3, "b": 0, "c": 1}, exclusive=True, limit=LIMIT)
    assert all(cell.text == "fewer than 5" for cell in table.cells.values())
    assert table.total.text == "fewer than 5"


def test_cells_of_an_exclusive_table_must_add_up_to_its_total():
    with pytest.raises(ValueError, match="add up to 5, not 6"):
        suppress_table({"a": 2, "b": 3}, 6, exclusive=True, limit=LIMIT)


def test_when_nothing_else_protects_a_small_cell_the_total_is_hidden():
    table = suppress_table({"a": 1, "b": 5, "c": 0}, exclusive=True, limit=LIMIT)
    assert table.total.suppressed


# --- The proof: an attacker who knows the rules learns nothing exact -----------------------


def attacker_solutions(table, cells, limit):
    """Every assignment of the hidden cells consistent with everything shown, by brute force.

    The attacker knows: shown values; "fewer than L" means 1..L-1 (or 0..L-1 when the total is
    small, since then empty cells are hidden too); "not shown" means a cell that was not small
    and was the smallest left, so L..(smallest cell still shown); the total when shown.
    """
    keys = list(cells)
    shown = {k: table.cells[k].value for k in keys if not table.cells[k].suppressed}
    shown_nonzero = [v for v in shown.values() if v > 0]
    cap = min(shown_nonzero) if shown_nonzero else sum(cells.values()) + 2 * limit
    total_small = table.total.reason == disclosure.SMALL
    domains = {}
    for k in keys:
        cell = table.cells[k]
        if not cell.suppressed:
            domains[k] = [cell.value]
        elif cell.reason == disclosure.SMALL:
            domains[k] = list(range(0 if total_small else 1, limit))
        else:
            domains[k] = list(range(limit, cap + 1))
    for values in itertools.product(*(domains[k] for k in keys)):
        total = sum(values)
        if table.total.suppressed:
            if total_small and not 0 < total < limit:
                continue
            if not total_small and total < limit:
                continue
        elif total != table.total.value:
            continue
        yield dict(zip(keys, values, strict=True))


exclusive_tables = st.dictionaries(
    keys=st.sampled_from(["a", "b", "c", "d", "e"]),
    values=st.one_of(st.integers(0, 6), st.integers(0, 12)),
    min_size=1,
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(cells=exclusive_tables, limit=st.sampled_from([3, 5]))
def test_no_hidden_cell_can_be_worked_out_from_what_is_shown(cells, limit):
    table = suppress_table(cells, exclusive=True, limit=limit)
    solutions = list(attacker_solutions(table, cells, limit))
    assert cells in solutions  # the truth is always consistent with what is shown
    for key, cell in table.cells.items():
        if cell.suppressed:
            possible = {solution[key] for solution in solutions}
            assert len(possible) >= 2, (cells, key, possible)


@settings(max_examples=200, deadline=None)
@given(cells=exclusive_tables, limit=st.sampled_from([3, 5]))
def test_a_shown_total_never_leaves_exactly_one_hidden_cell(cells, limit):
    table = suppress_table(cells, exclusive=True, limit=limit)
    hidden = [k for k, cell in table.cells.items() if cell.suppressed]
    if not table.total.suppressed:
        assert len(hidden) != 1


@settings(max_examples=300, deadline=None)
@given(cells=exclusive_tables, limit=st.sampled_from([3, 5]))
def test_every_count_shown_is_the_true_count_and_every_small_count_is_hidden(cells, limit):
    table = suppress_table(cells, exclusive=True, limit=limit)
    for key, value in cells.items():
        cell = table.cells[key]
        if 0 < value < limit:
            assert cell.suppressed
        if not cell.suppressed:
            assert cell.value == value


@settings(max_examples=200, deadline=None)
@given(
    cells=st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 30), min_size=1),
    total=st.integers(0, 60),
)
def test_non_exclusive_cells_are_hidden_exactly_when_small(cells, total):
    table = suppress_table(cells, total, exclusive=False, limit=LIMIT)
    for key, value in cells.items():
        assert table.cells[key].suppressed == (0 < value < LIMIT)
    assert table.total.suppressed == (0 < total < LIMIT)


def test_a_total_beside_one_hidden_part_or_a_small_rest_gives_a_part_away():
    """The national view's London beside its organisations: 12 and "fewer than 5" with 15
    shown gives the 3 away; two hidden parts pin neither with 7 left, and with 3 left (both
    under 5 together) or 8 (both 4) the total is not shown either."""
    small = (1, LIMIT - 1)
    assert disclosure.gives_a_part_away(15 - 12, [small], limit=LIMIT)
    assert not disclosure.gives_a_part_away(19 - 12, [small, small], limit=LIMIT)
    assert disclosure.gives_a_part_away(3, [small, small], limit=LIMIT)
    assert disclosure.gives_a_part_away(8, [small, small], limit=LIMIT)
    assert not disclosure.gives_a_part_away(0, [], limit=LIMIT)


@settings(max_examples=300, deadline=None)
@given(
    hidden=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=4),
    data=st.data(),
    limit=st.sampled_from([3, 5]),
)
def test_a_total_shown_beside_its_parts_pins_no_hidden_part(hidden, data, limit):
    """Hidden parts, each between the least and most its own line allows: when the total is
    shown beside them, by brute force each can still be at least two values, and together
    they are not a small number."""
    bounds = [(low, low + extra) for low, extra in hidden]
    values = [data.draw(st.integers(low, high)) for low, high in bounds]
    residual = sum(values)
    if disclosure.gives_a_part_away(residual, bounds, limit=limit):
        return
    assert not 0 < residual < limit
    solutions = [
        candidate
        for candidate in itertools.product(*(range(low, high + 1) for low, high in bounds))
        if sum(candidate) == residual
    ]
    for index, _ in enumerate(bounds):
        assert len({solution[index] for solution in solutions}) >= 2, (bounds, values)

"""The k-anonymous recoding on its own: pure tests of the lattice search, then the
organisation's groups from the database."""
from __future__ import annotations

from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.disclosure import EVERYONE, view_of
from app.statistics.disclosure import Hierarchy, k_anonymise, unsafe_atoms

from .. import factories

COLOUR = Hierarchy("colour", ({"red": "red", "pink": "pink", "blue": "blue"},
                              {"red": "warm", "pink": "warm", "blue": "blue"},
                              {"red": EVERYONE, "pink": EVERYONE, "blue": EVERYONE}))
SIZE = Hierarchy("size", ({"s": "s", "m": "m", "l": "l"},
                          {"s": EVERYONE, "m": EVERYONE, "l": EVERYONE}), costs=(0, 10))


def test_keeps_what_is_large_enough_and_coarsens_the_cheapest_way():
    people = Counter({("red", "s"): 5, ("pink", "s"): 2, ("blue", "s"): 5,
                      ("red", "m"): 6, ("pink", "m"): 3, ("blue", "m"): 6})
    recoding = k_anonymise(people, [COLOUR, SIZE], 5)
    # pink is too small alone: warm = red + pink, and size (costly) is kept
    assert recoding.levels == (1, 0)
    assert recoding.sizes == {("warm", "s"): 7, ("blue", "s"): 5, ("warm", "m"): 9, ("blue", "m"): 6}
    assert recoding.left_out == 0 and recoding.generalised == {"colour": 1}


def test_leaves_a_few_people_out_rather_than_losing_a_costly_breakdown():
    people = Counter({("red", "s"): 30, ("blue", "s"): 30, ("red", "l"): 1})
    recoding = k_anonymise(people, [COLOUR, SIZE], 5)
    assert recoding.levels[1] == 0  # size kept
    assert recoding.left_out == 1 and recoding.small_atoms == {("red", "l")}


def test_fewer_than_k_in_all_leaves_everyone_out():
    recoding = k_anonymise(Counter({("red", "s"): 2, ("blue", "m"): 1}), [COLOUR, SIZE], 5)
    assert recoding.left_out == 3


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from(["red", "pink", "blue"]),
                                 st.sampled_from(["s", "m", "l"])),
                       st.integers(1, 12), min_size=1), st.integers(3, 6))
def test_every_atom_shown_has_at_least_k_and_few_are_left_out(people, k):
    recoding = k_anonymise(Counter(people), [COLOUR, SIZE], k)
    total = sum(people.values())
    shown = {atom: n for atom, n in recoding.sizes.items() if atom not in recoding.small_atoms}
    assert all(n >= k for n in shown.values())
    assert recoding.left_out == total or recoding.left_out <= 0.10 * total
    assert sum(shown.values()) + recoding.left_out == total


def test_unsafe_atoms_are_the_parts_of_one_to_k_minus_one():
    assert unsafe_atoms({"a": 0, "b": 1, "c": 4, "d": 5, "e": 9}, 5) == {"b", "c"}


def test_the_organisations_groups_pool_units_rather_than_lose_women_and_men(session):
    big = factories.make_unit(session, name="Stora")
    small = factories.make_unit(session, name="Lilla", organisation_id=big.organisation_id)
    for index in range(40):
        factories.make_participant(session, unit=big, gender=("woman", "man")[index % 2],
                                   intake_date=date(2025, 3, 1))
    for gender in ("woman", "man", "other", "not_recorded", "prefers_not_to_say", "woman"):
        factories.make_participant(session, unit=small, gender=gender, intake_date=date(2025, 3, 1))
    view = view_of(session, big.organisation_id, 5)
    # Keeping the small unit would leave 6 of 46 out (13 %): units are pooled instead. The
    # three people in three small gender categories are left out, and the page says why.
    assert view.labels("unit") == []
    assert view.labels("gender") == ["woman", "man"]
    assert (view.left_out, dict(view.left_out_by)) == (3, {"gender": 3})
    assert sum(view.recoding.sizes.values()) == 46

"""People's names in the order a reader looks for them (`core.names.name_order`)."""

from speakup.core.names import folded, name_order


def test_letters_without_a_separate_accent_are_read_as_the_letters_they_are_filed_under():
    assert folded("Øberg Łukasz Æthelred Straße Đurić") == "oberg lukasz aethelred strasse duric"


def test_names_with_such_letters_are_among_the_letters_a_reader_looks_under():
    names = ["Pike", "Olsen", "Øberg", "Lamb", "Łukasz", "Adams", "Æsir", "Dunn", "Đurić"]
    in_order = sorted(names, key=lambda last: name_order(last_name=last, first_name="Al"))
    assert in_order == [
        "Adams",
        "Æsir",
        "Dunn",
        "Đurić",
        "Lamb",
        "Łukasz",
        "Øberg",
        "Olsen",
        "Pike",
    ]

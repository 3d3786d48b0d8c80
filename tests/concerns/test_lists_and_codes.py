"""The national lists a case is counted by, and the receipt code's form and hashing."""

from datetime import date

from argon2.low_level import Type, hash_secret_raw

from speakup.concerns import receipts, taxonomy

ISSUE_ELEMENTS = [
    "patient_safety",
    "worker_safety",
    "bullying_harassment",
    "inappropriate_behaviours",
    "detriment",
    "policies_processes",
    "demeaning_treatment",
]
ISSUE_WORKER_GROUPS = [
    "medical_dental",
    "nursing_midwifery",
    "ahp",
    "additional_clinical",
    "scientific_technical",
    "healthcare_scientists",
    "admin_clerical",
    "estates_ancillary",
    "students",
    "other",
    "not_known",
]


def test_the_api_codes_are_exactly_the_published_ones():
    assert list(taxonomy.ELEMENT_CODES) == ISSUE_ELEMENTS
    assert list(taxonomy.WORKER_GROUP_CODES) == ISSUE_WORKER_GROUPS


def test_the_element_list_follows_the_financial_year_and_only_adds():
    before_2024 = [e.code for e in taxonomy.elements_for(date(2024, 3, 31))]  # 2023/24
    from_2024 = [e.code for e in taxonomy.elements_for(date(2024, 4, 1))]  # 2024/25
    assert "policies_processes" not in before_2024 and "demeaning_treatment" not in before_2024
    assert set(before_2024) < set(from_2024)  # a new year's list adds, never renames
    assert [e.code for e in taxonomy.elements_for(date(2020, 6, 1))] == [
        "patient_safety",
        "worker_safety",
        "bullying_harassment",
        "detriment",
    ]


def test_codes_are_unique_and_every_code_keeps_one_label():
    codes = [e.code for e in (*taxonomy.ELEMENTS, *taxonomy.WORKER_GROUPS)]
    assert len(codes) == len(set(codes))


def test_a_receipt_code_is_sixteen_digits_and_never_repeats():
    codes = {receipts.new_receipt_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 16 and code.isdigit() for code in codes)


def test_a_receipt_code_is_kept_only_as_its_argon2id_hash():
    code = "0123456789012345"
    expected = hash_secret_raw(
        code.encode(),
        b"speakup-receipt-code-v1",
        time_cost=2,
        memory_cost=19 * 1024,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    ).hex()
    assert receipts.receipt_hash(code) == expected
    assert code not in expected


def test_spaces_and_dashes_are_forgiven_but_other_input_is_not_a_code():
    assert receipts.normalise_receipt_code("0123 4567-8901 2345") == "0123456789012345"
    for bad in ("", "123", "0123 4567 8901 234x", "01234567890123456"):
        assert receipts.normalise_receipt_code(bad) is None

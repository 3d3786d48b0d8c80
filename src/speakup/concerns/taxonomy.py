"""The national lists a case is counted by: elements and worker groups, versioned by financial year.

A list only ever adds: a code keeps its meaning for ever, and a retired entry keeps its code so
old cases still count under it. Financial years are named by the year they start (2024 = 2024/25).
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Entry:
    code: str
    label: str
    from_year: int  # first financial year the entry is on the list
    until_year: int | None = None  # last financial year, None while current

    def in_use(self, financial_year: int) -> bool:
        ended = self.until_year is not None and financial_year > self.until_year
        return self.from_year <= financial_year and not ended


# What "element" means, for the people who meet the word: the guardian who records them, the
# leaders who read them in their lists, whoever reads the data return.
ELEMENTS_MEAN = (
    "What a concern is about, in the National Guardian's Office's categories, such as patient "
    "safety or bullying"
)
ELEMENTS = (
    Entry("patient_safety", "Patient safety or quality", 2017),
    Entry("worker_safety", "Worker safety or wellbeing", 2019),
    Entry("bullying_harassment", "Bullying or harassment", 2017),
    Entry("inappropriate_behaviours", "Inappropriate attitudes or behaviours", 2021),
    Entry("detriment", "The speaker says they have suffered detriment for speaking up", 2017),
    Entry("policies_processes", "Policies, procedures and processes", 2024),
    Entry("demeaning_treatment", "Disadvantageous or demeaning treatment", 2024),
)

WORKER_GROUPS = (
    Entry("medical_dental", "Medical and dental", 2017),
    Entry("nursing_midwifery", "Registered nurses and midwives", 2017),
    Entry("ahp", "Allied health professionals", 2017),
    Entry("additional_clinical", "Additional clinical services", 2017),
    Entry("scientific_technical", "Additional professional, scientific and technical", 2017),
    Entry("healthcare_scientists", "Healthcare scientists", 2017),
    Entry("admin_clerical", "Administrative and clerical", 2017),
    Entry("estates_ancillary", "Estates and ancillary", 2017),
    Entry("students", "Students", 2017),
    Entry("other", "Other", 2017),
    Entry("not_known", "Not known", 2017),
)

ELEMENT_CODES = tuple(e.code for e in ELEMENTS)
WORKER_GROUP_CODES = tuple(g.code for g in WORKER_GROUPS)


def financial_year_of(day: date) -> int:
    """April to March: 1 May 2026 is in 2026 (2026/27), 1 February 2027 too."""
    return day.year if day.month >= 4 else day.year - 1


def elements_for(day: date) -> tuple[Entry, ...]:
    year = financial_year_of(day)
    return tuple(e for e in ELEMENTS if e.in_use(year))


def worker_groups_for(day: date) -> tuple[Entry, ...]:
    year = financial_year_of(day)
    return tuple(g for g in WORKER_GROUPS if g.in_use(year))


def label_of(code: str) -> str:
    for entry in (*ELEMENTS, *WORKER_GROUPS):
        if entry.code == code:
            return entry.label
    return code

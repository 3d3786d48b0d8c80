"""Changing what reporting keeps: marking a quarterly data return as submitted."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from speakup.core.audit import audit
from speakup.core.dates import day_in_words
from speakup.organisations.models import Organisation
from speakup.reporting import queries
from speakup.reporting.models import DataReturnSubmission
from speakup.reporting.quarters import Quarter


class SubmissionRefused(ValueError):
    """The return cannot be marked as submitted; the message says why."""


def data_return_submit(
    *, organisation: Organisation, quarter: Quarter, by, today=None
) -> DataReturnSubmission:
    """Keep a snapshot of the quarter's figures as the return the guardian has sent."""
    today = today or timezone.localdate()
    if not quarter.has_ended(today):
        raise SubmissionRefused(
            f"You can mark the return for {quarter.label} as submitted once the quarter has "
            f"ended on {day_in_words(quarter.last_day)}"
        )
    try:
        with transaction.atomic():
            if queries.submission_for(organisation=organisation, quarter=quarter):
                raise IntegrityError
            figures = queries.data_return_figures(organisation=organisation, quarter=quarter)
            submission = DataReturnSubmission.objects.create(
                organisation=organisation,
                financial_year=quarter.financial_year,
                quarter=quarter.number,
                submitted_by=by,
                figures=figures,
            )
            audit(
                actor=by,
                action="reporting.data_return_submitted",
                object_type="data_return",
                object_ref=f"{organisation.ods_code}/{quarter}",
                organisation=organisation,
                detail={"total_cases": figures["total_cases"]},
            )
    except IntegrityError:
        raise SubmissionRefused(
            f"The return for {quarter.label} has already been marked as submitted"
        ) from None
    return submission

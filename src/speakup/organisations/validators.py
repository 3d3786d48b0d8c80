import re

from django.core.exceptions import ValidationError

# ODS codes are 3 to 6 capital letters and digits (trusts "RXX", ICBs "QXX", practices "A12345").
ODS_CODE = re.compile(r"^[A-Z0-9]{3,6}$")


def validate_ods_code(value: str) -> None:
    if not ODS_CODE.fullmatch(value or ""):
        raise ValidationError(
            "Enter an ODS code of 3 to 6 capital letters and numbers, like RXX or DEMO1",
            code="invalid_ods_code",
        )

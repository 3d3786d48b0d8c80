"""The import commands name a file they cannot read in one sentence, never a traceback."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

COMMANDS = [
    ["import-staff", "--organisation", "TST01"],
    ["import-completions"],
]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_folder_is_told_to_name_the_file_in_it(command, organisation, tmp_path):
    with pytest.raises(CommandError, match="is a folder: name the CSV file itself"):
        call_command(command[0], str(tmp_path), *command[1:])


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_file_is_said_to_be_missing(command, organisation, tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        call_command(command[0], str(tmp_path / "roster.csv"), *command[1:])


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_the_user_may_not_read_is_said_so(command, organisation, tmp_path, monkeypatch):
    path = tmp_path / "roster.csv"
    path.write_text("Employee Number\n")

    def refused(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    # Tests run as root on CI, who may read anything: the refusal is made here instead.
    monkeypatch.setattr(Path, "open", refused)
    with pytest.raises(CommandError, match="You may not read .*roster.csv: check its permissions"):
        call_command(command[0], str(path), *command[1:])

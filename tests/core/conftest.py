import pytest


@pytest.fixture(autouse=True)
def kek_file(settings, tmp_path):
    """Every core test gets its own key-encryption key file, never the real var/kek.json."""
    settings.SPEAKUP_KEK_FILE = tmp_path / "keys" / "kek.json"
    return settings.SPEAKUP_KEK_FILE

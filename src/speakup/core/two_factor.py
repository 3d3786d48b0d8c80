"""TOTP devices (django-otp): enrolment, checking a code, and codes for demo users."""

from base64 import b32encode

from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from speakup.core.words import wait_in_words

DEVICE_NAME = "Authenticator app"


def pending_device(user) -> tuple[TOTPDevice, bool]:
    """The device to check a code against, and whether the person is still enrolling it."""
    confirmed = confirmed_device(user)
    if confirmed is not None:
        return confirmed, False
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device, True


def confirmed_device(user) -> TOTPDevice | None:
    """The authenticator the person set up, if they have finished setting one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def remove_devices(user) -> int:
    """Forget every authenticator of the person, one half set up too (its key may have been
    seen): at their next sign-in they set up a new one, with a new key."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    return removed


def verify_code(device: TOTPDevice, code: str) -> bool:
    return device.verify_token(code)


def wait_before_a_code(device: TOTPDevice) -> str:
    """How long until the device checks a code again, in words ("2 seconds"); empty when it
    checks one now. django-otp's throttle waits 1 second after a wrong code, then doubles the
    wait with each wrong code in a row."""
    allowed, refusal = device.verify_is_allowed()
    if allowed:
        return ""
    return wait_in_words((refusal["locked_until"] - timezone.now()).total_seconds())


def confirm_device(device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def provisioning_uri(device: TOTPDevice) -> str:
    return device.config_url


def secret_for_display(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enrol_confirmed_device(user) -> TOTPDevice:
    """Give a user a confirmed device at once (demo users, tests)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": DEVICE_NAME}
    )
    return device


def current_code(device: TOTPDevice) -> str:
    """A code the device would accept now, as an authenticator app would compute it.

    Codes are single-use: when this time step's code was used already (a second sign-in within
    30 seconds), give the next step's code, which the device's tolerance of one step accepts.
    """
    device.refresh_from_db(fields=["last_t", "drift"])
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t >= totp.t():
        totp.time = device.t0 + (device.last_t + 1 - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"

"""TOTP devices (django-otp): enrolment, checking a code, and codes for demo users."""

from base64 import b32encode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def pending_device(user) -> tuple[TOTPDevice, bool]:
    """The device to check a code against, and whether the person is still enrolling it."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return confirmed, False
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device, True


def verify_code(device: TOTPDevice, code: str) -> bool:
    return device.verify_token(code)


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
    """The code the device shows now, as an authenticator app would compute it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"

"""The second step of staff sign-in, and setting it up: an authenticator app's code, or a recovery code.

Built on django-otp: a TOTP device per person (RFC 6238, 30-second codes, throttled after
wrong tries, each code usable once) and a static device holding ten single-use recovery
codes. The QR code for the app is drawn here as inline SVG (wpsconf.qr_svg): nothing is
loaded from another host, and the secret never leaves the page that shows it.
"""

from base64 import b32encode
from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wpsconf.qr_svg import qr_svg

RECOVERY_CODES = 10

# The one permission door staff hold: with nothing more, a person sees no one's data beyond
# the name at the door, and needs no second factor on a shared phone.
DOOR_ONLY = frozenset({"registration.check_in_registration"})


def sees_personal_data(user) -> bool:
    return user.is_superuser or bool(user.get_all_permissions() - DOOR_ONLY)


def needs_second_factor(user) -> bool:
    """Whether this signed-in staff member must give a code before using any staff page."""
    if not (user.is_authenticated and user.is_staff and sees_personal_data(user)):
        return False
    return settings.STAFF_2FA == "required" or user_has_device(user, confirmed=True)


def second_factor_missing(user) -> bool:
    return needs_second_factor(user) and not user.is_verified()


def signed_in_staff(view: Callable) -> Callable:
    """Staff who gave their password; the second factor is what these pages are about."""
    return never_cache(staff_member_required(view, login_url="admin:login"))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        help_text=gettext_lazy("The 6 digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


def safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure())
    return candidate if allowed else reverse("admin:index")


def signed_in_with(request: HttpRequest, device) -> None:
    otp_login(request, device)
    request.session.cycle_key()  # a new session key for the session that now holds the second factor


# django-otp makes each wrong code double the wait before the next; from the third on, say so.
WRONG_CODES_BEFORE_SAYING_WAIT = 3


def throttled_until(user) -> str:
    """When the next try is allowed, once repeated wrong codes have paused every device; "" otherwise."""
    waits = []
    for device in devices_for_user(user, confirmed=True):
        allowed, details = device.verify_is_allowed()
        if allowed or (details or {}).get("failure_count", 0) < WRONG_CODES_BEFORE_SAYING_WAIT:
            return ""
        if details.get("locked_until"):
            waits.append(details["locked_until"])
    return timezone.localtime(max(waits)).strftime("%H:%M:%S") if waits else ""


@transaction.atomic
def checked_code(user, code: str):
    """The device the code is from, or None. Its devices are locked first: two posts of one code
    at the same moment are checked in turn, so the second finds it used (django-otp's own check
    reads and writes without a lock)."""
    list(TOTPDevice.objects.select_for_update().filter(user=user))
    list(StaticDevice.objects.select_for_update().filter(user=user))
    return match_token(user, code)


def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(safe_next(request))
    if not user_has_device(user, confirmed=True):
        return redirect(reverse("admin:two_factor_set_up") + "?" + urlencode({"next": safe_next(request)}))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = checked_code(user, form.cleaned_data["code"])
        if device is not None:
            signed_in_with(request, device)
            return redirect(safe_next(request))
        wait = throttled_until(user)
        form.add_error(
            "code",
            _("Too many wrong codes: try again after %(time)s.") % {"time": wait}
            if wait
            else _("This code is not right, or was used already. Check that your phone's clock is right."),
        )
    return TemplateResponse(
        request,
        "admin/two_factor/verify.html",
        {**admin_context(request, _("Your sign-in code")), "form": form, "next": safe_next(request)},
    )


def set_up(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app; replacing one needs a code from the current one first."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect(reverse("admin:two_factor_verify") + "?" + urlencode({"next": request.path}))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=False
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = enrol(user, device)
            signed_in_with(request, device)
            return recovery_codes_page(request, codes, first_time=True)
        form.add_error("code", _("This code is not right. Scan the picture again, and check your phone's clock."))
    return TemplateResponse(
        request,
        "admin/two_factor/set_up.html",
        {
            **admin_context(request, _("Set up two-factor sign-in")),
            "form": form,
            "qr": qr_svg(device.config_url, label=_("QR code for your authenticator app")),
            "key": " ".join(b32encode(device.bin_key).decode()[i : i + 4] for i in range(0, 32, 4)),
            "required": needs_second_factor(user),
            "next": safe_next(request),
        },
    )


@transaction.atomic
def enrol(user, device: TOTPDevice) -> list[str]:
    """The new authenticator replaces any other; a fresh set of recovery codes comes with it."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return fresh_recovery_codes(user)


def fresh_recovery_codes(user) -> list[str]:
    static, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery codes", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    if request.method != "POST" or not request.user.is_verified():
        return redirect("admin:two_factor")
    return recovery_codes_page(request, fresh_recovery_codes(request.user), first_time=False)


def recovery_codes_page(request: HttpRequest, codes: list[str], *, first_time: bool) -> HttpResponse:
    """Shown once, in the answer to the post that made them: they are never stored where they could be read back."""
    return TemplateResponse(
        request,
        "admin/two_factor/recovery_codes.html",
        {
            **admin_context(request, _("Your recovery codes")),
            "codes": codes,
            "first_time": first_time,
            "next": safe_next(request),
        },
    )


def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return TemplateResponse(
        request,
        "admin/two_factor/overview.html",
        {
            **admin_context(request, _("Two-factor sign-in")),
            "has_authenticator": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "recovery_codes_left": static.token_set.count() if static else 0,
            "required": needs_second_factor(user),
        },
    )


def admin_context(request: HttpRequest, title: str) -> dict:
    from django.contrib import admin

    return {**admin.site.each_context(request), "title": title}

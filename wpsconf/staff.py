"""Staff accounts: who needs a second factor, how long a session lasts, and the admin site that holds to both.

Staff who can see personal data (superusers, organisers, accreditation reviewers: anyone
with a permission beyond the door's check-in) sign in with a password and a code from an
authenticator app (django-otp's TOTP devices, with single-use recovery codes). With
STAFF_2FA=required (the default when DEBUG is off) they cannot use the back office, or any
staff page, until they have set one up and given a code; with STAFF_2FA=optional, only
those who set one up are asked for it.

Door staff sign in on shared phones: their session ends at midnight in the conference's
time zone (and when they sign out). Everyone else's ends after STAFF_IDLE_MINUTES without
activity.
"""

from collections.abc import Callable
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from wpsconf import two_factor
from wpsconf.two_factor import second_factor_missing, sees_personal_data

# Over all addresses together: more than this many wrong passwords for one account within
# AXES_COOLOFF_TIME pause the account itself (django-axes pauses one account at one address
# after AXES_FAILURE_LIMIT), unless a second factor guards it.
ACCOUNT_FAILURE_LIMIT = 20
# The idle clock is moved on at most this often, not with every request.
IDLE_REFRESH_SECONDS = 60
SEEN_AT = "staff_seen_at"


def account_paused(username: str) -> bool:
    """Too many wrong passwords for this account from everywhere together, lately (django-axes' records)."""
    from axes.models import AccessAttempt  # axes' models load after the apps are ready

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= ACCOUNT_FAILURE_LIMIT


def guarded_by_a_second_factor(username: str) -> bool:
    """An account whose right password still needs a code: pausing it would only let anyone
    lock its owner out, so only the per-address pause applies to it."""
    user = get_user_model().objects.filter(username=username).first()
    return user is not None and user_has_device(user, confirmed=True)


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin's password step, refusing an account under attack from many places at once."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "account_paused": _(
            "This account is paused for %(minutes)d minutes: too many wrong passwords were tried for it. "
            "If that was not you, tell the organisers."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and account_paused(username) and not guarded_by_a_second_factor(username):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            raise ValidationError(
                self.error_messages["account_paused"], code="account_paused", params={"minutes": minutes}
            )
        return super().clean()


class StaffAdminSite(admin.AdminSite):
    login_form = StaffAuthenticationForm
    # Before a conference is published; afterwards every page carries its title (each_context).
    site_header = site_title = _("Conference registration")
    index_title = _("Back office")

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        conference = getattr(request, "conference", None)
        if conference is not None:
            context["site_header"] = context["site_title"] = conference.title  # in the organiser's language
        return context

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not second_factor_missing(request.user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.method == "GET" and second_factor_missing(request.user):
            return redirect(second_step_url(request.user, request.GET.get("next", "")))
        return super().login(request, extra_context)

    def get_urls(self):
        wrap = two_factor.signed_in_staff
        return [
            path("two-factor/", wrap(two_factor.overview), name="two_factor"),
            path("two-factor/code/", wrap(two_factor.verify), name="two_factor_verify"),
            path("two-factor/set-up/", wrap(two_factor.set_up), name="two_factor_set_up"),
            path("two-factor/recovery-codes/", wrap(two_factor.new_recovery_codes), name="two_factor_recovery_codes"),
            *super().get_urls(),
        ]


def second_step_url(user, next_url: str) -> str:
    """Where a signed-in staff member without a verified second factor goes first."""
    name = "admin:two_factor_verify" if user_has_device(user, confirmed=True) else "admin:two_factor_set_up"
    return reverse(name) + (f"?{urlencode({'next': next_url})}" if next_url else "")


def next_midnight(now: datetime, zone) -> datetime:
    local = timezone.localtime(now, zone)
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=zone)


def staff_session_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """After authentication and django-otp's middleware: the second factor, and how long sessions last."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return get_response(request)
        keep_session_within_its_time(request, user)  # half-way through signing in too
        if second_factor_missing(user) and not is_on_the_way_in(request):
            return redirect(second_step_url(user, request.get_full_path()))
        return get_response(request)

    return middleware


def is_on_the_way_in(request: HttpRequest) -> bool:
    """The pages a staff member without their second factor yet may open: the steps in, and out."""
    allowed = (
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse("admin:two_factor_verify"),
        reverse("admin:two_factor_set_up"),
        reverse("admin:jsi18n"),
    )
    return request.path in allowed or request.path.startswith(settings.STATIC_URL)


def keep_session_within_its_time(request: HttpRequest, user) -> None:
    session = request.session
    if not sees_personal_data(user):
        if SEEN_AT not in session:
            # A shared phone at the door: signed out at midnight where the conference is.
            conference = getattr(request, "conference", None)
            zone = conference.tzinfo if conference else timezone.get_current_timezone()
            session.set_expiry(next_midnight(timezone.now(), zone))
            session[SEEN_AT] = int(timezone.now().timestamp())
        return
    now = int(timezone.now().timestamp())
    if now - session.get(SEEN_AT, 0) >= IDLE_REFRESH_SECONDS:
        session.set_expiry(settings.STAFF_IDLE_MINUTES * 60)  # counted again from now
        session[SEEN_AT] = now

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import formats, timezone
from django.utils.translation import get_language, get_language_info

from wpsconf import clock

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context) -> dict:
    """Links to the same page in each language; plain links work without JavaScript."""
    request = context["request"]
    current = get_language()
    return {
        "languages": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    }


def with_kazakh_month_in_lower_case(text: str) -> str:
    """Kazakh writes month names in lower case, which Django's catalogue does not."""
    return text.lower() if get_language() == "kk" else text


@register.filter
def long_date(value) -> str:
    """The localised long date."""
    return with_kazakh_month_in_lower_case(formats.date_format(value, "DATE_FORMAT"))


@register.filter
def long_datetime(value) -> str:
    """The localised long date and time, in the zone the page shows."""
    return with_kazakh_month_in_lower_case(formats.date_format(timezone.localtime(value), "DATETIME_FORMAT"))


@register.inclusion_tag("includes/demo_clock.html")
def demo_clock_banner() -> dict:
    """A thin line on every page while the site runs on a demonstration clock (SITE_CLOCK)."""
    return {"moment": clock.now() if clock.is_demonstration() else None}

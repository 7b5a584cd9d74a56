from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import formats
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


@register.filter
def long_date(value) -> str:
    """The localised long date; Kazakh writes month names in lower case, which Django's catalogue does not."""
    text = formats.date_format(value, "DATE_FORMAT")
    return text.lower() if get_language() == "kk" else text


@register.inclusion_tag("includes/demo_clock.html")
def demo_clock_banner() -> dict:
    """A thin line on every page while the site runs on a demonstration clock (SITE_CLOCK)."""
    return {"moment": clock.now() if clock.is_demonstration() else None}

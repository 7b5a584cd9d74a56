from django import template

from backoffice import charts

register = template.Library()
register.filter("bars", charts.bars)


@register.filter
def day_chart(days: list, size: str = "wide") -> charts.DayChart:
    """The chart of registrations per day, "wide" or "narrow" (for phones)."""
    return charts.day_chart(days, width=charts.NARROW if size == "narrow" else charts.WIDTH)

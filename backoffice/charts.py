"""The dashboard's charts as geometry, drawn on the server: the templates turn it into SVG.

No chart library and no JavaScript: a column chart of registrations per day and a bar
beside each number of a table are a few rectangles. Coordinates are in the SVG's own
units (its viewBox); the page scales the drawing to its width.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

# A wide chart for screens with room for it, a narrow one for phones: one drawing scaled down
# to a phone would shrink its labels past reading.
WIDTH, NARROW, HEIGHT = 560, 340, 220
# Room around the plot for the count labels on the left and the dates below.
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 30
WIDEST_BAR = 40  # a single day is a column, not a wall
GAP = 0.25  # of each day's slot, between columns
LABEL_ROOM = 60  # what a date label ("30 Sep", "30 сен") needs, with space to the next
MOST_TICKS = 5


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Column:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool  # whether the axis names this day (not all do when there are many)

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class DayChart:
    columns: list[Column]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM

    @property
    def right(self) -> int:
        return self.width - RIGHT

    @property
    def total(self) -> int:
        return sum(column.count for column in self.columns)

    @property
    def most(self) -> int:
        return max((column.count for column in self.columns), default=0)


def tick_step(most: int, most_ticks: int = MOST_TICKS) -> int:
    """The smallest round step (1, 2 or 5 times a power of ten) that reaches `most` in `most_ticks` steps."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude * most_ticks >= most:
                return factor * magnitude
        magnitude *= 10


def every_day(days: list[tuple[date, int]]) -> list[tuple[date, int]]:
    """The days from the first registration to the last, a day without any given as 0, not left out."""
    if not days:
        return []
    counts = dict(days)
    first, last = days[0][0], days[-1][0]
    span = (first + timedelta(n) for n in range((last - first).days + 1))
    return [(day, counts.get(day, 0)) for day in span]


def day_chart(days: list[tuple[date, int]], width: int = WIDTH) -> DayChart:
    """Columns of registrations per day on a scale of round numbers, the dates thinned to fit below."""
    days = every_day(days)
    plot_width, plot_height = width - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    baseline = HEIGHT - BOTTOM
    most = max((count for _day, count in days), default=0)
    step = tick_step(most)
    top = max(step, ceil(most / step) * step)  # the scale's top: a round number, never 0
    ticks = [Tick(value, round(baseline - plot_height * value / top, 1)) for value in range(0, top + 1, step)]
    if not days:
        return DayChart(columns=[], ticks=ticks, width=width)
    slot = plot_width / len(days)
    bar = min(WIDEST_BAR, slot * (1 - GAP))
    every = ceil(len(days) / max(1, plot_width // LABEL_ROOM))
    columns = []
    for index, (day, count) in enumerate(days):
        height = plot_height * count / top
        columns.append(
            Column(
                day=day,
                count=count,
                x=round(LEFT + index * slot + (slot - bar) / 2, 1),
                y=round(baseline - height, 1),
                width=round(bar, 1),
                height=round(height, 1),
                labelled=index % every == 0,
            )
        )
    return DayChart(columns=columns, ticks=ticks, width=width)


def bar_lengths(counts: list) -> list[float | None]:
    """Each count as a length from 0 to 100, the table's largest count the longest bar.

    A count given as a range ("1 to 4", to point at nobody) gets no bar: its length would tell
    what the range hides."""
    numbers = [count for count in counts if isinstance(count, int)]
    longest = max(numbers, default=0)
    return [
        (round(100 * count / longest, 1) if longest else 0.0) if isinstance(count, int) else None for count in counts
    ]


def part_length(part: int, whole: int) -> float:
    """A part of a whole (seats used of a quota) as a length from 0 to 100, the whole the full bar."""
    return round(100 * min(part, whole) / whole, 1) if whole > 0 else 0.0


@dataclass(frozen=True)
class Bar:
    """One row of a table of counts, with the bar drawn beside its number."""

    label: str
    count: int | str
    length: float | None
    code: str = ""


def bars(rows: list[tuple]) -> list[Bar]:
    """The rows of a table of counts, (label, count) or (code, label, count), with their bars."""
    lengths = bar_lengths([row[-1] for row in rows])
    return [Bar(*row[-2:], length, *row[:-2]) for row, length in zip(rows, lengths, strict=True)]

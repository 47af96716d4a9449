"""What the statistics page shows for each chart: its title, a summary in words, the SVG, and
the table behind it (also the chart's CSV). Pure: `Statistics` and a language in, text out.

Every chart states its figures in the summary too, so a reader who cannot see the chart loses
nothing; the table holds every number the chart draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from scheduler.statistics import STARS, Statistics, share
from web import charts
from web.charts import Series
from web.i18n import translate

Translate = Callable[..., str]
Cell = str | int | float

CHART_IDS: tuple[str, ...] = (
    "cases",
    "languages",
    "speed",
    "waits",
    "abandoned",
    "no_shows",
    "utilisation",
    "satisfaction",
    "quality",
)


@dataclass(frozen=True, slots=True)
class ChartView:
    id: str
    title: str
    summary: str
    svg: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # as shown in the table
    csv_rows: tuple[tuple[Cell, ...], ...]  # the same rows, with plain numbers


@dataclass(frozen=True, slots=True)
class Figure:
    """One headline number above the charts."""

    label: str
    value: str


# --- formatting --------------------------------------------------------------------------------


def percent(value: float | None, t: Translate) -> str:
    if value is None:
        return t("stats.none")
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


def duration(seconds: float | None, t: Translate) -> str:
    if seconds is None:
        return t("stats.none")
    whole = round(seconds)
    if whole < 60:
        return t("dur.s", s=whole)
    if whole < 3600:
        return t("dur.ms", m=whole // 60, s=whole % 60)
    return t("dur.hm", h=whole // 3600, m=(whole % 3600) // 60)


def count(value: int) -> str:
    return f"{value:,}"


def day_label(day: date) -> str:
    return day.isoformat()


def tick_label(day: date) -> str:
    return f"{day.month}/{day.day}"


def language_name(stats: Statistics, code: str, lang: str) -> str:
    names = stats.languages.get(code)
    if names is None:
        return code
    return names[0] if lang == "ko" else names[1]


def _round(value: float | None, digits: int = 1) -> Cell:
    return "" if value is None else round(value, digits)


def _share_cell(value: float | None) -> Cell:
    return "" if value is None else round(value * 100, 1)


# --- the charts ----------------------------------------------------------------------------------


def build_views(stats: Statistics, lang: str) -> list[ChartView]:
    t = partial(translate, lang)
    return [BUILDERS[chart_id](stats, t, lang) for chart_id in CHART_IDS]


def build_view(chart_id: str, stats: Statistics, lang: str) -> ChartView:
    return BUILDERS[chart_id](stats, partial(translate, lang), lang)


def headline(stats: Statistics, lang: str) -> list[Figure]:
    t = partial(translate, lang)
    totals = stats.call_totals()
    no_shows = sum(r.no_shows for r in stats.reservations)
    reservations = sum(r.reservations for r in stats.reservations)
    within_60 = _within(stats, 60)
    return [
        Figure(t("stats.fig.cases"), count(totals.cases)),
        Figure(
            t("stats.fig.within", s=within_60[0]),
            percent(share(within_60[1], totals.answered), t),
        ),
        Figure(t("stats.fig.wait_mean"), duration(totals.wait_mean, t)),
        Figure(t("stats.fig.wait_max"), duration(totals.wait_max, t)),
        Figure(t("stats.fig.abandoned"), percent(totals.abandon_rate, t)),
        Figure(t("stats.fig.no_shows"), f"{count(no_shows)} / {count(reservations)}"),
        Figure(
            t("stats.fig.satisfaction"),
            t("stats.stars_of_5", n=f"{stats.survey.mean:.2f}")
            if stats.survey.mean is not None
            else t("stats.none"),
        ),
        Figure(
            t("stats.fig.hints"),
            percent(share(stats.quality.with_hints, stats.quality.analysed), t),
        ),
    ]


def _within(stats: Statistics, seconds: int) -> tuple[int, int]:
    """(threshold, answered within it): `seconds` if it is one of the thresholds, else the
    middle one."""
    totals = stats.call_totals()
    limits = stats.thresholds
    index = limits.index(seconds) if seconds in limits else len(limits) // 2
    return limits[index], totals.within[index]


def _cases(stats: Statistics, t: Translate, lang: str) -> ChartView:
    days = stats.daily_calls()
    languages = [row.language for row in stats.by_language()]
    per_language: dict[tuple[date, str], int] = {}
    for g in stats.calls:
        per_language[(g.day, g.language)] = per_language.get((g.day, g.language), 0) + g.cases
    total = sum(d.cases for d in days)
    busiest = max(days, key=lambda d: d.cases) if days else None
    title = t("stats.cases.title")
    if total and busiest is not None:
        summary = t(
            "stats.cases.summary",
            n=count(total),
            video=count(sum(d.video for d in days)),
            chat=count(sum(d.chat for d in days)),
            day=day_label(busiest.day),
            most=count(busiest.cases),
        )
    else:
        summary = t("stats.cases.empty")
    svg = charts.column_chart(
        "chart-cases",
        title,
        summary,
        [tick_label(d.day) for d in days],
        [
            Series(t("stats.mode.video"), [d.video for d in days]),
            Series(t("stats.mode.chat"), [d.chat for d in days]),
        ],
        axis_label=t("stats.axis.cases"),
    )
    columns = (
        t("stats.col.day"),
        t("stats.mode.video"),
        t("stats.mode.chat"),
        *(language_name(stats, code, lang) for code in languages),
        t("stats.col.total"),
    )
    csv_rows: tuple[tuple[Cell, ...], ...] = tuple(
        (
            day_label(d.day),
            d.video,
            d.chat,
            *(per_language.get((d.day, code), 0) for code in languages),
            d.cases,
        )
        for d in days
    )
    return ChartView(
        "cases",
        title,
        summary,
        svg,
        t("stats.cases.caption"),
        columns,
        _shown(csv_rows),
        csv_rows,
    )


def _languages(stats: Statistics, t: Translate, lang: str) -> ChartView:
    rows = stats.by_language()
    total = sum(r.cases for r in rows)
    title = t("stats.languages.title")
    names = [language_name(stats, r.language, lang) for r in rows]
    if rows:
        summary = t(
            "stats.languages.summary",
            language=names[0],
            n=count(rows[0].cases),
            share=percent(share(rows[0].cases, total), t),
            languages=len(rows),
        )
    else:
        summary = t("stats.cases.empty")
    svg = charts.bar_chart(
        "chart-languages",
        title,
        summary,
        names,
        [
            Series(t("stats.mode.video"), [r.video for r in rows]),
            Series(t("stats.mode.chat"), [r.chat for r in rows]),
        ],
        value_labels=[f"{count(r.cases)} ({percent(share(r.cases, total), t)})" for r in rows],
    )
    csv_rows = tuple(
        (name, r.video, r.chat, r.cases, _share_cell(share(r.cases, total)))
        for name, r in zip(names, rows, strict=True)
    )
    shown = tuple(
        (name, count(r.video), count(r.chat), count(r.cases), percent(share(r.cases, total), t))
        for name, r in zip(names, rows, strict=True)
    )
    columns = (
        t("stats.col.language"),
        t("stats.mode.video"),
        t("stats.mode.chat"),
        t("stats.col.total"),
        t("stats.col.share"),
    )
    return ChartView(
        "languages", title, summary, svg, t("stats.languages.caption"), columns, shown, csv_rows
    )


def _speed(stats: Statistics, t: Translate, lang: str) -> ChartView:
    totals = stats.call_totals()
    title = t("stats.speed.title")
    shares = [share(n, totals.answered) for n in totals.within]
    labels = [t("stats.within", s=limit) for limit in stats.thresholds]
    if totals.answered:
        summary = t(
            "stats.speed.summary",
            n=count(totals.answered),
            list=", ".join(
                f"{label} {percent(value, t)}" for label, value in zip(labels, shares, strict=True)
            ),
        )
    else:
        summary = t("stats.speed.empty")
    svg = charts.bar_chart(
        "chart-speed",
        title,
        summary,
        labels,
        [Series(t("stats.col.share"), [s or 0.0 for s in shares])],
        value_labels=[
            f"{percent(s, t)} ({count(n)})" for s, n in zip(shares, totals.within, strict=True)
        ],
        top=1.0,
    )
    csv_rows = tuple(
        (limit, n, _share_cell(s))
        for limit, n, s in zip(stats.thresholds, totals.within, shares, strict=True)
    )
    shown = tuple(
        (label, count(n), percent(s, t))
        for label, n, s in zip(labels, totals.within, shares, strict=True)
    )
    columns = (t("stats.col.within"), t("stats.col.answered"), t("stats.col.share"))
    return ChartView(
        "speed", title, summary, svg, t("stats.speed.caption"), columns, shown, csv_rows
    )


def _waits(stats: Statistics, t: Translate, lang: str) -> ChartView:
    days = stats.daily_calls()
    totals = stats.call_totals()
    title = t("stats.waits.title")
    longest = max(
        (d for d in days if d.wait_max is not None),
        key=lambda d: d.wait_max or 0.0,
        default=None,
    )
    if longest is not None:
        summary = t(
            "stats.waits.summary",
            mean=duration(totals.wait_mean, t),
            max=duration(totals.wait_max, t),
            day=day_label(longest.day),
        )
    else:
        summary = t("stats.speed.empty")
    svg = charts.line_chart(
        "chart-waits",
        title,
        summary,
        [tick_label(d.day) for d in days],
        [
            Series(t("stats.waits.mean"), [d.wait_mean for d in days]),
            Series(t("stats.waits.max"), [d.wait_max for d in days]),
        ],
        axis_label=t("stats.axis.seconds"),
    )
    csv_rows = tuple(
        (day_label(d.day), d.answered, _round(d.wait_mean), _round(d.wait_max)) for d in days
    )
    shown = tuple(
        (day_label(d.day), count(d.answered), duration(d.wait_mean, t), duration(d.wait_max, t))
        for d in days
    )
    columns = (
        t("stats.col.day"),
        t("stats.col.answered"),
        t("stats.waits.mean"),
        t("stats.waits.max"),
    )
    return ChartView(
        "waits", title, summary, svg, t("stats.waits.caption"), columns, shown, csv_rows
    )


def _abandoned(stats: Statistics, t: Translate, lang: str) -> ChartView:
    days = stats.daily_calls()
    totals = stats.call_totals()
    title = t("stats.abandoned.title")
    if totals.cases:
        summary = t(
            "stats.abandoned.summary",
            n=count(totals.abandoned),
            cases=count(totals.cases),
            rate=percent(totals.abandon_rate, t),
            wait=duration(totals.abandoned_wait_mean, t),
        )
    else:
        summary = t("stats.cases.empty")
    rates = [d.abandon_rate for d in days]
    highest = max((r for r in rates if r is not None), default=0.0)
    svg = charts.line_chart(
        "chart-abandoned",
        title,
        summary,
        [tick_label(d.day) for d in days],
        [Series(t("stats.abandoned.rate"), [r * 100 if r is not None else None for r in rates])],
        axis_label=t("stats.axis.percent"),
        fmt=lambda v: f"{v:g}%",
        top=max(10.0, highest * 100),
    )
    csv_rows = tuple(
        (day_label(d.day), d.cases, d.abandoned, _share_cell(d.abandon_rate)) for d in days
    )
    shown = tuple(
        (day_label(d.day), count(d.cases), count(d.abandoned), percent(d.abandon_rate, t))
        for d in days
    )
    columns = (
        t("stats.col.day"),
        t("stats.col.cases"),
        t("stats.col.abandoned"),
        t("stats.abandoned.rate"),
    )
    return ChartView(
        "abandoned", title, summary, svg, t("stats.abandoned.caption"), columns, shown, csv_rows
    )


def _no_shows(stats: Statistics, t: Translate, lang: str) -> ChartView:
    days = stats.reservations
    no_shows = sum(d.no_shows for d in days)
    reservations = sum(d.reservations for d in days)
    title = t("stats.no_shows.title")
    if reservations:
        summary = t(
            "stats.no_shows.summary",
            n=count(no_shows),
            reservations=count(reservations),
            rate=percent(share(no_shows, reservations), t),
        )
    else:
        summary = t("stats.no_shows.empty")
    svg = charts.column_chart(
        "chart-no-shows",
        title,
        summary,
        [tick_label(d.day) for d in days],
        [Series(t("stats.col.no_shows"), [d.no_shows for d in days])],
        axis_label=t("stats.axis.reservations"),
    )
    csv_rows = tuple(
        (
            day_label(d.day),
            d.reservations,
            d.no_shows,
            _share_cell(share(d.no_shows, d.reservations)),
        )
        for d in days
    )
    shown = tuple(
        (
            day_label(d.day),
            count(d.reservations),
            count(d.no_shows),
            percent(share(d.no_shows, d.reservations), t),
        )
        for d in days
    )
    columns = (
        t("stats.col.day"),
        t("stats.col.reservations"),
        t("stats.col.no_shows"),
        t("stats.col.rate"),
    )
    return ChartView(
        "no_shows", title, summary, svg, t("stats.no_shows.caption"), columns, shown, csv_rows
    )


def _utilisation(stats: Statistics, t: Translate, lang: str) -> ChartView:
    online = sum(p.seconds for p in stats.presence)
    title = t("stats.utilisation.title")
    labels = [t(f"console.presence.{p.state}") for p in stats.presence]
    shares = [share(p.seconds, online) for p in stats.presence]
    if online:
        summary = t(
            "stats.utilisation.summary",
            hours=duration(online, t),
            list=", ".join(
                f"{label} {percent(s, t)}" for label, s in zip(labels, shares, strict=True)
            ),
        )
    else:
        summary = t("stats.utilisation.empty")
    svg = charts.bar_chart(
        "chart-utilisation",
        title,
        summary,
        labels,
        [Series(t("stats.col.share"), [s or 0.0 for s in shares])],
        value_labels=[percent(s, t) for s in shares],
        top=1.0,
    )
    csv_rows = tuple(
        (p.state, round(p.seconds / 3600, 2), _share_cell(s))
        for p, s in zip(stats.presence, shares, strict=True)
    )
    shown = tuple(
        (label, duration(p.seconds, t), percent(s, t))
        for label, p, s in zip(labels, stats.presence, shares, strict=True)
    )
    columns = (t("stats.col.state"), t("stats.col.time"), t("stats.col.share"))
    return ChartView(
        "utilisation",
        title,
        summary,
        svg,
        t("stats.utilisation.caption"),
        columns,
        shown,
        tuple((label, *row[1:]) for label, row in zip(labels, csv_rows, strict=True)),
    )


def _satisfaction(stats: Statistics, t: Translate, lang: str) -> ChartView:
    survey = stats.survey
    title = t("stats.satisfaction.title")
    order = list(reversed(STARS))  # five stars first
    counts = [survey.counts[STARS.index(s)] for s in order]
    labels = [t("stats.stars", n=s) for s in order]
    if survey.answers:
        summary = t(
            "stats.satisfaction.summary",
            n=count(survey.answers),
            mean=f"{survey.mean:.2f}" if survey.mean is not None else "-",
            resolved=percent(
                share(survey.resolved_yes, survey.resolved_yes + survey.resolved_no), t
            ),
        )
    else:
        summary = t("stats.satisfaction.empty")
    svg = charts.bar_chart(
        "chart-satisfaction",
        title,
        summary,
        labels,
        [Series(t("stats.col.answers"), counts)],
        value_labels=[f"{count(n)} ({percent(share(n, survey.answers), t)})" for n in counts],
    )
    csv_rows = tuple(
        (s, n, _share_cell(share(n, survey.answers))) for s, n in zip(order, counts, strict=True)
    )
    shown = tuple(
        (label, count(n), percent(share(n, survey.answers), t))
        for label, n in zip(labels, counts, strict=True)
    )
    columns = (t("stats.col.stars"), t("stats.col.answers"), t("stats.col.share"))
    return ChartView(
        "satisfaction",
        title,
        summary,
        svg,
        t("stats.satisfaction.caption"),
        columns,
        shown,
        csv_rows,
    )


def _quality(stats: Statistics, t: Translate, lang: str) -> ChartView:
    q = stats.quality
    title = t("stats.quality.title")
    labels = [t(f"stats.hint.{h.hint}") for h in q.hints]
    shares = [share(h.sessions, q.analysed) for h in q.hints]
    if q.analysed:
        frequent = [
            f"{label} ({count(h.sessions)})"
            for label, h in zip(labels, q.hints, strict=True)
            if h.sessions
        ][:3]
        summary = t(
            "stats.quality.summary",
            n=count(q.with_hints),
            analysed=count(q.analysed),
            share=percent(share(q.with_hints, q.analysed), t),
            list=", ".join(frequent) if frequent else t("stats.none"),
        )
    else:
        summary = t("stats.quality.empty")
    svg = charts.bar_chart(
        "chart-quality",
        title,
        summary,
        labels,
        [Series(t("stats.col.sessions"), [h.sessions for h in q.hints])],
        value_labels=[
            f"{count(h.sessions)} ({percent(s, t)})" for h, s in zip(q.hints, shares, strict=True)
        ],
    )
    csv_rows = tuple(
        (label, h.sessions, _share_cell(s), h.raised)
        for label, h, s in zip(labels, q.hints, shares, strict=True)
    )
    shown = tuple(
        (label, count(h.sessions), percent(s, t), count(h.raised))
        for label, h, s in zip(labels, q.hints, shares, strict=True)
    )
    columns = (
        t("stats.col.hint"),
        t("stats.col.sessions"),
        t("stats.col.share_analysed"),
        t("stats.col.raised"),
    )
    return ChartView(
        "quality", title, summary, svg, t("stats.quality.caption"), columns, shown, csv_rows
    )


def _shown(rows: Sequence[tuple[Cell, ...]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(count(c) if isinstance(c, int) else str(c) for c in row) for row in rows)


BUILDERS: dict[str, Callable[[Statistics, Translate, str], ChartView]] = {
    "cases": _cases,
    "languages": _languages,
    "speed": _speed,
    "waits": _waits,
    "abandoned": _abandoned,
    "no_shows": _no_shows,
    "utilisation": _utilisation,
    "satisfaction": _satisfaction,
    "quality": _quality,
}

"""The SVG charts (`web.charts`) and the statistics views (`web.statistics_views`): pure
functions, checked on their output. Every chart is an accessible image that the pages' CSP
allows inline (no style attribute, no <style>), series differ by more than colour, and each
colour has 3:1 contrast on white."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from scheduler.statistics import (
    CallGroup,
    DayReservations,
    HintCount,
    Period,
    QualityFigures,
    StateTime,
    Statistics,
    SurveyFigures,
)
from web import charts
from web.charts import LOOKS, Series, label_every, nice_ticks, text_width
from web.i18n import translate
from web.statistics_views import CHART_IDS, build_view, build_views, duration, headline, percent

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def _all(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(SVG + tag))


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0.0, 1.0]),
        (-3, [0.0, 1.0]),
        (4, [0.0, 1.0, 2.0, 3.0, 4.0]),
        (37, [0.0, 10.0, 20.0, 30.0, 40.0]),
        (1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (1234, [0.0, 250.0, 500.0, 750.0, 1000.0, 1250.0]),
    ],
)
def test_nice_ticks(top: float, ticks: list[float]) -> None:
    assert nice_ticks(top) == ticks


def test_at_most_twelve_category_labels() -> None:
    assert label_every(7) == 1
    assert label_every(30) == 3
    assert label_every(365) == 31


def test_wide_characters_count_as_wider() -> None:
    assert text_width("상담") > text_width("ab") > 0


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_every_series_colour_has_3_to_1_contrast_on_white_and_a_second_cue() -> None:
    for look in LOOKS:
        assert (1.05) / (_luminance(look.colour) + 0.05) >= 3.0, look
    assert len({look.pattern for look in LOOKS}) == len(LOOKS)
    assert len({look.marker for look in LOOKS}) == len(LOOKS)
    assert len({look.dash for look in LOOKS}) == len(LOOKS)


def test_a_column_chart_is_an_accessible_image_without_styles() -> None:
    svg = charts.column_chart(
        "chart-x",
        "Cases <per> day & mode",
        "Summary in words",
        ["11/1", "11/2", "11/3"],
        [Series("Video", [3, 0, 2]), Series("Chat", [1, 1, None])],
        axis_label="Cases",
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-x-title chart-x-desc"
    assert root.find(SVG + "title").text == "Cases <per> day & mode"  # type: ignore[union-attr]
    assert root.find(SVG + "desc").text == "Summary in words"  # type: ignore[union-attr]
    assert "style" not in svg
    # Four non-empty segments; the chat series is hatched (a pattern with the chart's id).
    bars = [r for g in root.iter(SVG + "g") if g.get("fill") for r in g.findall(SVG + "rect")]
    assert len(bars) == 4
    patterns = _all(root, "pattern")
    assert [p.get("id") for p in patterns] == ["chart-x-p1"]
    assert any(g.get("fill") == "url(#chart-x-p1)" for g in root.iter(SVG + "g"))
    texts = [t.text for t in _all(root, "text")]
    assert {"Video", "Chat", "Cases", "11/1", "11/3"} <= set(texts)


def test_a_line_breaks_where_a_value_is_missing() -> None:
    svg = charts.line_chart(
        "chart-l",
        "Waits",
        "desc",
        ["a", "b", "c", "d", "e"],
        [Series("Mean", [1, 2, None, 4, 5]), Series("Max", [2, None, None, None, 9])],
        axis_label="s",
    )
    root = _parse(svg)
    lines = _all(root, "polyline")
    assert len(lines) == 2  # Mean: two runs; Max: two single points (no line)
    assert lines[0].get("stroke-dasharray") is None
    markers = _all(root, "circle") + _all(root, "rect")
    assert len(_all(root, "circle")) >= 4  # Mean's points, drawn as circles
    assert markers
    assert "style" not in svg


def test_a_bar_chart_writes_each_value() -> None:
    svg = charts.bar_chart(
        "chart-b",
        "Speed",
        "desc",
        ["Within 30 s", "Within 60 s"],
        [Series("Share", [0.5, 1.0])],
        value_labels=["50% (1)", "100% (2)"],
        top=1.0,
    )
    texts = [t.text for t in _all(_parse(svg), "text")]
    assert texts == ["Within 30 s", "50% (1)", "Within 60 s", "100% (2)"]


def test_percent_and_duration_in_both_languages() -> None:
    def en(key: str, **kw: object) -> str:
        return translate("en", key, **kw)

    def ko(key: str, **kw: object) -> str:
        return translate("ko", key, **kw)

    assert percent(0.8534, en) == "85.3%"
    assert percent(0.5, en) == "50%"
    assert percent(None, en) == "not applicable"
    assert duration(42.4, en) == "42 s"
    assert duration(125, ko) == "2분 5초"
    assert duration(7260, en) == "2 h 1 min"
    assert duration(None, ko) == "해당 없음"


PERIOD = Period(date(2026, 11, 1), date(2026, 11, 2), ZoneInfo("Asia/Seoul"))


def _stats(empty: bool = False) -> Statistics:
    calls = (
        ()
        if empty
        else (
            CallGroup(date(2026, 11, 1), "video", "KSL", 3, 2, 1, (1, 2, 2), 80.0, 50.0, 30.0),
            CallGroup(date(2026, 11, 2), "chat", "ASL", 1, 1, 0, (1, 1, 1), 10.0, 10.0, 0.0),
        )
    )
    return Statistics(
        period=PERIOD,
        thresholds=(30, 60, 120),
        calls=calls,
        reservations=(
            DayReservations(date(2026, 11, 1), 0 if empty else 4, 0 if empty else 1),
            DayReservations(date(2026, 11, 2), 0, 0),
        ),
        presence=tuple(
            StateTime(state, 0.0 if empty else seconds)
            for state, seconds in (
                ("ready", 3600.0),
                ("offered", 0.0),
                ("in_session", 1800.0),
                ("wrap_up", 0.0),
                ("away", 1800.0),
            )
        ),
        survey=SurveyFigures((0, 0, 0, 0, 0) if empty else (0, 0, 0, 1, 1), 1, 0),
        quality=QualityFigures(
            0 if empty else 4,
            0 if empty else 1,
            ()
            if empty
            else (
                HintCount("low_light", 1, 2),
                HintCount("hands_cropped", 0, 0),
                HintCount("too_far", 0, 0),
            ),
        ),
        languages={"KSL": ("한국수어", "Korean Sign Language"), "ASL": ("미국수어", "ASL")},
    )


def test_every_chart_has_a_title_a_summary_a_table_and_csv_rows() -> None:
    views = build_views(_stats(), "en")
    assert [v.id for v in views] == list(CHART_IDS)
    for view in views:
        assert view.title and view.summary and view.caption
        assert view.svg.startswith("<svg ")
        assert len(view.rows) == len(view.csv_rows)
        assert all(len(row) == len(view.columns) for row in view.rows)
    by_id = {v.id: v for v in views}
    assert by_id["cases"].summary == (
        "4 cases in this range: 3 by video and 1 by chat. The busiest day was 2026-11-01 with 3 "
        "cases."
    )
    assert by_id["cases"].columns == (
        "Day",
        "Video",
        "Chat",
        "Korean Sign Language",
        "ASL",
        "Total",
    )
    assert by_id["cases"].csv_rows == (("2026-11-01", 3, 0, 3, 0, 3), ("2026-11-02", 0, 1, 0, 1, 1))
    assert by_id["speed"].csv_rows == ((30, 2, 66.7), (60, 3, 100.0), (120, 3, 100.0))
    assert by_id["waits"].summary == (
        "Callers waited 30 s on average for an answer; the longest wait was 50 s, on 2026-11-01."
    )
    assert by_id["abandoned"].summary.startswith("1 of 4 callers (25%) left before")
    assert by_id["no_shows"].summary == "1 of 4 reservations (25%) were marked no-show."
    assert by_id["utilisation"].summary == (
        "Interpreters were online 2 h 0 min in all: Ready 50%, Being offered a call 0%, "
        "In a call 25%, Wrapping up 0%, Away 25%."
    )
    assert by_id["satisfaction"].summary == (
        "2 survey answers, 4.50 of 5 on average; 100% said their matter was resolved."
    )
    assert by_id["quality"].summary == (
        "1 of 4 analysed cases (25%) showed at least one video hint. Most frequent: Too dark (1)."
    )


def test_empty_statistics_say_so_in_words() -> None:
    views = {v.id: v for v in build_views(_stats(empty=True), "ko")}
    assert views["cases"].summary == "이 기간에는 상담이 없습니다."
    assert views["speed"].summary == "이 기간에는 응답한 상담이 없습니다."
    assert views["no_shows"].summary == "이 기간에는 예약이 없습니다."
    assert views["utilisation"].summary == "이 기간에는 통역사 접속 기록이 없습니다."
    assert views["satisfaction"].summary == "이 기간에는 설문 응답이 없습니다."
    assert views["quality"].summary == "이 기간에는 품질을 분석한 상담이 없습니다."
    figures = headline(_stats(empty=True), "ko")
    assert [f.value for f in figures][:3] == ["0", "해당 없음", "해당 없음"]


def test_one_view_is_the_same_as_in_the_whole_page() -> None:
    stats = _stats()
    assert build_view("quality", stats, "ko") == build_views(stats, "ko")[-1]

"""The design system's template tags: icons, QR codes, masked values, money, colours."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import segno
from django import forms
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

from xiaoyou.core.templatetags.xiaoyou import (
    css_color,
    elided_pages,
    initial,
    masked,
    money,
    yuan,
)


def render(source: str, **context) -> str:
    return Template("{% load xiaoyou %}" + source).render(Context(context))


def modules_from_svg(svg: str) -> set[tuple[int, int]]:
    """The dark modules (x, y) drawn by segno's SVG path, border included."""
    path = ET.fromstring(svg).find("path")
    assert path is not None
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path.get("d", "")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for offset in range(int(float(a))):
                dark.add((int(x) + offset, int(y)))
            x += float(a)
    return dark


class TestQrSvg:
    def test_draws_the_qr_code_of_the_value(self):
        value = "https://alumni.example.edu/cards/8F3K2"
        svg = render("{% qr_svg value scale=4 border=2 %}", value=value)
        assert svg.startswith("<svg") and "<?xml" not in svg
        root = ET.fromstring(svg)
        assert root.get("class") == "qr-code"
        expected = segno.make(value, error="m", micro=False)
        size = expected.symbol_size(scale=4, border=2)
        # Only a viewBox, no fixed width/height, so CSS scales the code to its box.
        assert root.get("width") is None and root.get("height") is None
        assert root.get("viewBox") == f"0 0 {size[0]} {size[1]}"
        wanted = {
            (col + 2, row + 2)
            for row, line in enumerate(expected.matrix)
            for col, bit in enumerate(line)
            if bit
        }
        assert modules_from_svg(svg) == wanted

    def test_markup_in_the_value_never_reaches_the_page(self):
        svg = render("{% qr_svg value %}", value='"><script>alert(1)</script>')
        assert "<script" not in svg and "alert" not in svg

    def test_empty_value_renders_nothing(self):
        assert render("{% qr_svg value %}", value="") == ""
        assert render("{% qr_svg value %}", value=None) == ""

    def test_component_wraps_it_with_a_caption(self):
        html = Template(
            '{% include "components/qr.html" with value="X1" caption="Scan me" %}'
        ).render(Context({}))
        assert '<figcaption class="qr-caption">Scan me</figcaption>' in html
        assert 'class="qr-code"' in html


class TestMasked:
    @pytest.mark.parametrize(
        ("value", "kind", "expected"),
        [
            ("+8613800138000", "", "138****8000"),
            ("13800138000", "", "138****8000"),
            ("+85291234567", "", "+852****4567"),
            ("zhang.wei@example.com", "", "z***@example.com"),
            ("11010519491231002X", "", "110***********002X"),
            ("110105491231002", "", "110********1002"),
            ("张伟", "name", "张*"),
            ("欧阳娜娜", "name", "欧***"),
            ("abcdefgh", "", "ab****gh"),
            ("ab", "", "a*"),
            ("", "", ""),
            (None, "", ""),
        ],
    )
    def test_hides_the_middle(self, value, kind, expected):
        assert masked(value, kind) == expected

    def test_as_a_filter(self):
        assert render("{{ phone|masked }}", phone="+8613912345678") == "139****5678"


class TestMoney:
    @pytest.mark.parametrize(
        ("fen", "expected"),
        [
            (0, "0.00"),
            (5, "0.05"),
            (100, "1.00"),
            (123456, "1,234.56"),
            (-250, "-2.50"),
            (10**10, "100,000,000.00"),
        ],
    )
    def test_yuan(self, fen, expected):
        assert yuan(fen) == expected

    def test_money_with_symbols(self):
        assert money(123456) == "¥1,234.56"
        assert money(-99, "USD") == "-$0.99"
        assert money(100, "hkd") == "HK$1.00"
        assert money(100, "CHF") == "CHF 1.00"

    def test_values_that_are_not_whole_fen_are_shown_as_given(self):
        assert yuan(None) == ""
        assert yuan("12.5") == "12.5"
        assert yuan("n/a") == "n/a"
        assert money(None) == ""

    def test_as_filters(self):
        assert render("{{ amount|yuan }} {{ amount|money }}", amount=990) == "9.90 ¥9.90"


def test_icon_points_into_the_sprite():
    assert render('{% icon "home" %}') == (
        '<svg class="icon" aria-hidden="true" focusable="false">'
        '<use href="/static/img/icons.svg#home"></use></svg>'
    )
    assert render('{% icon "home" "icon-lg" %}').startswith('<svg class="icon icon-lg"')
    assert render("{% icon name %}", name='x"><script>') == ""


def test_every_icon_used_by_the_shells_exists_in_the_sprite(settings):
    from pathlib import Path

    sprite = (Path(settings.BASE_DIR) / "static/img/icons.svg").read_text()
    defined = set(re.findall(r'<symbol id="([a-z0-9-]+)"', sprite))
    used: set[str] = set()
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        used |= set(re.findall(r'{% icon "([a-z0-9-]+)"', template.read_text()))
    assert used, "the shells use icons"
    assert used - defined == set()


def test_css_color_accepts_only_hex_colours():
    assert css_color("#0055AA") == "#0055AA"
    assert css_color("#abc") == "#abc"
    assert css_color("red; background: url(x)") == "#C8102E"
    assert css_color("") == "#C8102E"


def test_initial():
    assert initial("zhang") == "Z"
    assert initial("张伟") == "张"
    assert initial("") == "?"


def test_nav_active_matches_the_path_prefix():
    factory = RequestFactory()
    template = '{% nav_active "/events/" %}|{% nav_active "/" %}'
    assert render(template, request=factory.get("/events/12/")) == "is-active|"
    assert render(template, request=factory.get("/")) == "|is-active"
    assert render(template, request=factory.get("/eventsx/")) == "|"


def test_elided_pages():
    page = Paginator(list(range(500)), 10).get_page(25)
    numbers = elided_pages(page)
    ellipsis = page.paginator.ELLIPSIS
    assert numbers == [1, ellipsis, 23, 24, 25, 26, 27, ellipsis, 50]


# --- components rendered by Django templates ------------------------------------------------


class AlumnusForm(forms.Form):
    name = forms.CharField(label="Name", max_length=20)
    year = forms.IntegerField(label="Graduation year", min_value=1950, help_text="Four digits")
    newsletter = forms.BooleanField(label="Newsletter", required=False)


def test_forms_render_inline_errors_in_the_active_language():
    from django.utils import translation

    for language, required in (
        ("en", "This field is required."),
        ("zh-hans", "这个字段是必填项。"),
    ):
        with translation.override(language):
            form = AlumnusForm(data={"name": "", "year": "1900"})
            form.is_valid()
            html = str(form)
        assert '<div class="form-field has-error" data-field="name">' in html
        assert (
            f'<ul class="field-error errorlist" id="id_name_error"><li>{required}</li></ul>' in html
        )
        assert 'aria-invalid="true"' in html
        assert '<span class="required" aria-hidden="true">*</span>' in html
    assert '<div class="help-text" id="id_year_helptext">Four digits</div>' in html
    assert '<div class="form-field is-checkbox" data-field="newsletter">' in html


def test_form_wide_errors_are_shown_on_top():
    class Both(forms.Form):
        a = forms.CharField(required=False)

        def clean(self):
            raise forms.ValidationError("Nothing to save.")

    form = Both(data={})
    form.is_valid()
    html = str(form)
    assert html.lstrip().startswith('<ul class="form-errors errorlist nonfield"')
    assert "<li>Nothing to save.</li>" in html


def test_toasts_show_django_messages_by_level():
    from django.contrib.messages.storage.base import Message

    html = Template('{% include "components/toasts.html" %}').render(
        Context({"messages": [Message(25, "Saved"), Message(40, "Could not send")]})
    )
    assert '<div class="toast toast-success" role="status">' in html
    assert '<div class="toast toast-error" role="alert">' in html
    assert '<div class="toast-message">Saved</div>' in html


def test_progress_component_polls_until_done():
    running = Template(
        '{% include "components/progress.html" with url="/console/jobs/3/progress" %}'
    )
    html = running.render(
        Context(
            {
                "job": type(
                    "J",
                    (),
                    {
                        "pk": 3,
                        "percent": 40,
                        "is_finished": False,
                        "status": "running",
                        "total": 10,
                        "done": 4,
                        "error": "",
                        "get_status_display": "Running",
                    },
                )()
            }
        )
    )
    assert 'hx-get="/console/jobs/3/progress" hx-trigger="every 1s" hx-swap="outerHTML"' in html
    assert 'style="width: 40%"' in html and "Running · 4 / 10" in html
    finished = running.render(
        Context(
            {
                "job": type(
                    "J",
                    (),
                    {
                        "pk": 3,
                        "percent": 100,
                        "is_finished": True,
                        "status": "succeeded",
                        "total": 10,
                        "done": 10,
                        "error": "",
                        "get_status_display": "Succeeded",
                    },
                )()
            }
        )
    )
    assert "hx-get" not in finished and "is-done" in finished
    plain = Template(
        '{% include "components/progress.html" with percent=0 label="Waiting" %}'
    ).render(Context({}))
    assert 'aria-valuenow="0"' in plain and "Waiting" in plain and "hx-get" not in plain

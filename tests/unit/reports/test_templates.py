"""The screen layout, its partials and macros, and the Jinja filters, rendered as the app renders them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import jinja2
import pytest
from litestar import get
from litestar.config.csrf import CSRFConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.testing import create_test_client

from bmt.errors import InvalidInput
from bmt.reports.jinja import STATIC_DIR, TEMPLATE_DIR, inline_css, register_filters

PAGE = """{% extends "_layout.html" %}
{% block title %}Setoran Tunai{% endblock %}
{% block content %}<h1 id="page-heading">Setoran Tunai</h1>{% endblock %}"""

MACROS = """{% import "macros/_forms.html" as forms with context %}
{% import "macros/_money.html" as m %}
{% import "macros/_tables.html" as t %}
{{ forms.csrf_field() }}
{{ forms.field("amount", "Jumlah setoran", value="1.500.000", type="money", required=true,
               error="Jumlah harus lebih dari nol", hint="Contoh: 1.500.000") }}
{{ forms.field("note", "Catatan") }}
{{ forms.select("akad", "Akad", [("wadiah", "Wadiah"), {"value": "mudharabah", "label": "Mudharabah"}, "qardh"],
                selected="mudharabah", placeholder="Pilih akad") }}
{{ forms.form_errors(["Nomor anggota wajib diisi"]) }}
<table><tr>{{ m.money_cell(minus) }}{{ m.money_cell(plus, sen=true) }}</tr></table>
{{ m.terbilang_box(plus) }}
{{ t.data_table(columns, rows, totals={"amount": total}) }}
{{ t.data_table(columns, [], empty="Belum ada transaksi.") }}"""


@dataclass
class User:
    name: str
    role: str


NAV = [
    {"href": "/", "label": "Beranda"},
    {"href": "/anggota", "label": "Anggota"},
    {"href": "/teller", "label": "Teller"},
]


@pytest.fixture
def env() -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [
            jinja2.DictLoader({"page.html": PAGE, "macros_demo.html": MACROS}),
            jinja2.FileSystemLoader(TEMPLATE_DIR),
        ]
    )
    environment = jinja2.Environment(loader=loader, autoescape=True)
    register_filters(environment, hijri_overrides={(1446, 10): date(2025, 3, 31)})
    return environment


def render(
    env: jinja2.Environment, name: str = "page.html", *, csrf: str | None = "tok-123", **context: Any
) -> str:
    if csrf is not None:
        env.globals["csrf_token"] = lambda: csrf
    return env.get_template(name).render(**context)


def test_the_page_is_indonesian_unless_told_otherwise(env: jinja2.Environment) -> None:
    assert '<html lang="id">' in render(env)
    english = render(env, lang="en", current_user=User("Budi", "teller"), nav=NAV)
    assert '<html lang="en">' in english
    assert "Log out" in english


def test_the_title_block_comes_before_the_cooperative_name(env: jinja2.Environment) -> None:
    html = render(env, coop_name="KSPPS BMT Al-Ikhlas")
    assert "<title>Setoran Tunai · KSPPS BMT Al-Ikhlas</title>" in html
    assert '<a class="brand" href="/">KSPPS BMT Al-Ikhlas</a>' in html
    assert '<h1 id="page-heading">Setoran Tunai</h1>' in html


def test_the_layout_loads_only_local_css_and_htmx(env: jinja2.Environment) -> None:
    html = render(env)
    assert '<link rel="stylesheet" href="/static/app.css">' in html
    assert '<script src="/static/htmx.min.js" defer></script>' in html
    assert "http://" not in html and "https://" not in html


def test_a_logged_in_user_sees_the_menu_their_name_and_a_logout_form(env: jinja2.Environment) -> None:
    html = render(env, current_user=User("Budi Santoso", "teller"), nav=NAV, active_path="/anggota/17")
    links = re.findall(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>', html)
    assert [(href, label) for href, _, label in links] == [(i["href"], i["label"]) for i in NAV]
    assert [href for href, current, _ in links if current] == ["/anggota"]
    assert "Budi Santoso" in html and '<span class="user-role">Teller</span>' in html
    assert re.search(
        r'<form class="logout-form" method="post" action="/logout">\s*'
        r'<input type="hidden" name="_csrf_token" value="tok-123">',
        html,
    )


def test_without_a_user_there_is_no_menu_and_no_logout(env: jinja2.Environment) -> None:
    html = render(env, nav=NAV)
    assert "mainnav" not in html
    assert "/logout" not in html


def test_htmx_requests_carry_the_csrf_token_in_a_header(env: jinja2.Environment) -> None:
    assert """<body hx-headers='{"x-csrftoken": "tok-123"}'>""" in render(env)


def test_without_csrf_the_body_has_no_hx_headers(env: jinja2.Environment) -> None:
    html = render(env, csrf=None)
    assert "<body>" in html
    assert "hx-headers" not in html


def test_flash_messages_show_errors_as_alerts_and_the_rest_as_status(env: jinja2.Environment) -> None:
    messages = [
        {"level": "success", "text": "Setoran Rp1.500.000 tersimpan."},
        {"level": "error", "text": "Saldo tidak cukup <script>"},
        {"level": "strange", "text": "Catatan"},
    ]
    html = render(env, messages=messages)
    alerts = re.findall(r'<div class="alert alert-(\w+)" role="(\w+)">([^<]*)</div>', html)
    assert alerts == [
        ("success", "status", "Setoran Rp1.500.000 tersimpan."),
        ("error", "alert", "Saldo tidak cukup &lt;script&gt;"),
        ("info", "status", "Catatan"),
    ]


def test_flash_area_is_empty_without_messages_so_css_can_hide_it(env: jinja2.Environment) -> None:
    assert '<div class="flash" id="flash"></div>' in render(env)


def test_flash_also_shows_messages_from_litestars_flash_plugin(env: jinja2.Environment) -> None:
    env.globals["get_flashes"] = lambda: [{"message": "Anda sudah keluar.", "category": "info"}]
    assert '<div class="alert alert-info" role="status">Anda sudah keluar.</div>' in render(env)


@pytest.fixture
def macros_html(env: jinja2.Environment) -> str:
    columns = [
        {"key": "day", "label": "Tanggal", "kind": "date"},
        {"key": "text", "label": "Keterangan"},
        {"key": "amount", "label": "Jumlah", "kind": "money"},
    ]
    rows = [{"day": date(2025, 3, 1), "text": "Setoran <tunai>", "amount": Decimal("1234567")}]
    return render(
        env,
        "macros_demo.html",
        minus=Decimal("-5000"),
        plus=Decimal("1500000.5"),
        columns=columns,
        rows=rows,
        total=Decimal("1234567"),
    )


def test_money_cells_align_right_and_mark_negatives(macros_html: str) -> None:
    assert '<td class="num neg">-Rp5.000</td>' in macros_html
    assert '<td class="num">Rp1.500.000,50</td>' in macros_html
    assert '<p class="terbilang">Satu juta lima ratus ribu rupiah lima puluh sen</p>' in macros_html


def test_a_form_field_has_its_label_above_and_its_error_linked(macros_html: str) -> None:
    assert '<input type="hidden" name="_csrf_token" value="tok-123">' in macros_html
    assert (
        '<label for="f-amount">Jumlah setoran<span class="required" aria-hidden="true">*</span></label>'
        in macros_html
    )
    field = re.search(r'<input id="f-amount"[^>]*>', macros_html)
    assert field is not None
    for attribute in (
        'type="text"',
        'inputmode="decimal"',
        'value="1.500.000"',
        "required",
        'aria-invalid="true"',
        'aria-describedby="f-amount-hint f-amount-error"',
    ):
        assert attribute in field.group(0)
    assert '<p class="error-text" id="f-amount-error">Jumlah harus lebih dari nol</p>' in macros_html
    plain = re.search(r'<input id="f-note"[^>]*>', macros_html)
    assert plain is not None and "aria-invalid" not in plain.group(0) and "required" not in plain.group(0)


def test_a_select_accepts_pairs_mappings_and_strings_and_marks_the_choice(macros_html: str) -> None:
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]+)</option>', macros_html)
    assert options == [
        ("", "", "Pilih akad"),
        ("wadiah", "", "Wadiah"),
        ("mudharabah", " selected", "Mudharabah"),
        ("qardh", "", "qardh"),
    ]


def test_form_errors_sit_in_a_red_box_announced_at_once(macros_html: str) -> None:
    assert re.search(
        r'<div class="alert alert-error" role="alert">.*Nomor anggota wajib diisi', macros_html, re.S
    )


def test_a_data_table_formats_each_column_by_kind_and_says_when_it_is_empty(macros_html: str) -> None:
    assert '<th scope="col" class="num">Jumlah</th>' in macros_html
    assert (
        '<td>1 Maret 2025</td><td>Setoran &lt;tunai&gt;</td><td class="num">Rp1.234.567</td>' in macros_html
    )
    assert re.search(r"<tfoot><tr>\s*<td>Jumlah</td><td></td><td class=\"num\">Rp1.234.567</td>", macros_html)
    assert '<td class="empty" colspan="3">Belum ada transaksi.</td>' in macros_html


FILTER_CASES = [
    ("{{ x|rupiah }}", Decimal("1234567.5"), "Rp1.234.568"),
    ("{{ x|rupiah_sen }}", Decimal("1234567.5"), "Rp1.234.567,50"),
    ("{{ x|angka }}", Decimal("1234567.50"), "1.234.567,50"),
    ("{{ x|angka(0) }}", Decimal("1234567.50"), "1.234.568"),
    ("{{ x|persen }}", Decimal("12.5"), "12,50%"),
    ("{{ x|persen(0) }}", Decimal("60"), "60%"),
    ("{{ x|terbilang }}", 1500000, "satu juta lima ratus ribu"),
    ("{{ x|terbilang|capitalize }}", 1500000, "Satu juta lima ratus ribu"),
    ("{{ x|terbilang_rupiah }}", Decimal("1500000.50"), "satu juta lima ratus ribu rupiah lima puluh sen"),
    ("{{ x|tanggal }}", date(2025, 3, 1), "1 Maret 2025"),
    ("{{ x|tanggal }}", datetime(2025, 3, 1, 23, 59), "1 Maret 2025"),
    ("{{ x|tanggal }}", "2025-03-01", "1 Maret 2025"),
    ("{{ x|tanggal_hari }}", date(2025, 3, 1), "Sabtu, 1 Maret 2025"),
    ("{{ x|hijri }}", date(2025, 3, 1), "1 Ramadan 1446 H"),
    # The fixture registers Indonesia's Syawal 1446 start (31 March), a day after Umm al-Qura.
    ("{{ x|hijri }}", date(2025, 3, 30), "30 Ramadan 1446 H"),
    ("{{ x|hijri({}) }}", date(2025, 3, 30), "1 Syawal 1446 H"),
]


@pytest.mark.parametrize(("source", "value", "text"), FILTER_CASES)
def test_filters_render_indonesian_text(
    env: jinja2.Environment, source: str, value: object, text: str
) -> None:
    assert env.from_string(source).render(x=value) == text


@pytest.mark.parametrize(
    "name",
    [
        "rupiah",
        "rupiah_sen",
        "angka",
        "persen",
        "terbilang",
        "terbilang_rupiah",
        "tanggal",
        "tanggal_hari",
        "hijri",
    ],
)
def test_filters_leave_a_missing_value_blank(env: jinja2.Environment, name: str) -> None:
    assert env.from_string(f"[{{{{ x|{name} }}}}][{{{{ missing|{name} }}}}]").render(x=None) == "[][]"


def test_a_text_that_is_not_a_date_is_refused(env: jinja2.Environment) -> None:
    with pytest.raises(InvalidInput):
        env.from_string("{{ x|tanggal }}").render(x="besok")


def test_inline_css_gives_only_stylesheets_from_the_static_folder() -> None:
    assert "@page" in inline_css("print.css")
    for bad in ("../print.css", "../../../pyproject.toml", "/etc/passwd", "htmx.min.js", "nope.css"):
        with pytest.raises(InvalidInput):
            inline_css(bad)


def test_template_and_static_folders_point_at_the_shipped_files() -> None:
    assert (TEMPLATE_DIR / "_layout.html").is_file()
    assert (TEMPLATE_DIR / "_pdf_base.html").is_file()
    assert {"app.css", "print.css", "htmx.min.js"} <= {p.name for p in STATIC_DIR.iterdir()}
    assert 'version:"2.0.11"' in (STATIC_DIR / "htmx.min.js").read_text(encoding="utf-8")


def test_no_shipped_stylesheet_or_template_refers_to_a_remote_url() -> None:
    files = [*STATIC_DIR.glob("*.css"), *TEMPLATE_DIR.rglob("*.html")]
    assert files
    for path in files:
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", path.read_text(encoding="utf-8")), path


def test_litestar_renders_the_layout_with_a_real_csrf_token_and_serves_the_static_files() -> None:
    @get("/anggota")
    async def members_page() -> Template:
        return Template(
            template_str=PAGE,
            context={
                "current_user": User("Siti", "manager"),
                "nav": NAV,
                "messages": [{"level": "success", "text": "OK"}],
            },
        )

    with create_test_client(
        route_handlers=[members_page, create_static_files_router(path="/static", directories=[STATIC_DIR])],
        template_config=TemplateConfig(
            directory=TEMPLATE_DIR,
            engine=JinjaTemplateEngine,
            engine_callback=lambda engine: register_filters(engine.engine),
        ),
        csrf_config=CSRFConfig(secret="s" * 32),
    ) as client:
        html = client.get("/anggota").text
        token = re.search(r"""<body hx-headers='\{"x-csrftoken": "([^"]+)"\}'>""", html)
        assert token is not None
        assert f'<input type="hidden" name="_csrf_token" value="{token.group(1)}">' in html
        assert '<a href="/anggota" aria-current="page">Anggota</a>' in html
        assert '<span class="user-role">Manajer</span>' in html
        css = client.get("/static/app.css")
        assert css.status_code == 200 and "font-variant-numeric: tabular-nums" in css.text
        assert client.get("/static/htmx.min.js").status_code == 200

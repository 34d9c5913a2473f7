"""Translations: the zh-hans catalog (the platform's default language) is complete, keeps every
placeholder, its compiled .mo matches the .po, and pages render in Chinese unless the visitor
switches to English."""

from __future__ import annotations

import gettext
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"

# Everything a translation must carry over unchanged: Python %-format placeholders (named or
# not; "%%" is a literal percent sign), str.format / JS-style {name} fields, HTML tags and
# character entities.
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|\{[A-Za-z_][A-Za-z0-9_]*\}"
    r"|</?[A-Za-z][A-Za-z0-9]*\b[^>]*>"
    r"|&[A-Za-z]+;|&#\d+;"
)


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


@pytest.fixture(scope="module")
def zh_po() -> polib.POFile:
    return polib.pofile(str(ZH_PO))


# --- the catalog itself ---------------------------------------------------------------------


def test_header_declares_simplified_chinese_in_utf8_with_one_plural_form(zh_po):
    assert zh_po.metadata["Language"] == "zh_Hans"
    assert zh_po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert zh_po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert not zh_po.metadata_is_fuzzy


def test_every_entry_is_translated_and_none_is_fuzzy(zh_po):
    entries = live_entries(zh_po)
    assert len(entries) > 300
    fuzzy = [label(entry) for entry in entries if "fuzzy" in entry.flags]
    assert fuzzy == []
    untranslated = []
    for entry in entries:
        if entry.msgid_plural:
            # Chinese has one plural form: msgstr[0] serves every count.
            if sorted(entry.msgstr_plural) != [0] or not entry.msgstr_plural[0].strip():
                untranslated.append(label(entry))
        elif not entry.msgstr.strip():
            untranslated.append(label(entry))
    assert untranslated == []


def test_translations_keep_the_placeholders_and_tags_of_their_msgid(zh_po):
    mismatched = []
    for entry in live_entries(zh_po):
        if entry.msgid_plural:
            # The single Chinese form stands for the plural English sentence (%(counter)s...).
            pairs = [(entry.msgid_plural, entry.msgstr_plural.get(0, ""))]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translation in pairs:
            if placeholders(source) != placeholders(translation):
                mismatched.append(
                    (label(entry), sorted(placeholders(source)), sorted(placeholders(translation)))
                )
    assert mismatched == []


def test_translations_are_chinese_where_the_msgid_is_prose(zh_po):
    # A msgstr copied from its English msgid would pass the checks above; only identifiers,
    # file formats and pure placeholders may stay as they are.
    allowed_same = {"API", "ID", "QQ", "%(text)s"}  # identifiers and brand names
    copied = [
        label(entry)
        for entry in live_entries(zh_po)
        if not entry.msgid_plural
        and entry.msgstr == entry.msgid
        and entry.msgid not in allowed_same
    ]
    assert copied == []


def test_placeholder_pattern_sees_what_gettext_and_templates_substitute():
    assert placeholders("%(count)d items, %s and %d, {name}, 100%% <code>&lt;x&gt;</code>") == (
        Counter(["%(count)d", "%s", "%d", "{name}", "<code>", "&lt;", "&gt;", "</code>"])
    )
    assert placeholders("共 %(counter)s 条") != placeholders("%(count)s results")


# --- the compiled catalogs ------------------------------------------------------------------


def expected_catalog(po: polib.POFile) -> dict[object, str]:
    """What msgfmt puts in the .mo: translated, non-fuzzy entries (context joined by EOT)."""
    catalog: dict[object, str] = {}
    for entry in live_entries(po):
        if "fuzzy" in entry.flags or not entry.translated():
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                catalog[(key, int(index))] = text
        else:
            catalog[key] = entry.msgstr
    return catalog


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_compiled_mo_matches_the_po(language):
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run: xiaoyou compilemessages -l {language}"
    po = polib.pofile(str(po_path))
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = {key: value for key, value in compiled._catalog.items() if key != ""}  # type: ignore[attr-defined]
    assert catalog == expected_catalog(po), (
        f"{mo_path} is out of date: run `xiaoyou compilemessages -l {language}` and commit it"
    )
    header = compiled.info()
    assert header["language"] == po.metadata["Language"]
    assert header["plural-forms"] == po.metadata["Plural-Forms"]
    assert compiled._charset == "UTF-8"  # type: ignore[attr-defined]


# --- pages ----------------------------------------------------------------------------------


def nav_tab(html: str, tab: str) -> str:
    match = re.search(rf'<a href="[^"]*" class="[^"]*" data-tab="{tab}">([^<]+)</a>', html)
    assert match is not None, f"tab {tab} not found"
    return match.group(1)


def title_of(html: str) -> str:
    match = re.search(r'<h1 class="auth-title">([^<]+)</h1>', html)
    assert match is not None
    return match.group(1)


@pytest.mark.django_db
def test_pages_render_in_chinese_by_default(client, org_tree):
    home = client.get("/")
    assert home.status_code == 200
    assert home["Content-Language"] == "zh-hans"
    html = home.content.decode()
    assert [nav_tab(html, tab) for tab in ("home", "events", "alumni", "me")] == [
        "首页",
        "活动",
        "校友",
        "我的",
    ]
    assert ">登录</a>" in html
    assert ">注册</a>" in html

    # The console sends visitors to the sign-in page, which speaks Chinese as well.
    console = client.get("/console/")
    assert console.status_code == 302
    sign_in = client.get(console["Location"])
    assert sign_in.status_code == 200
    sign_in_html = sign_in.content.decode()
    assert title_of(sign_in_html) == "登录"
    assert "<title>登录" in sign_in_html
    assert "还没有账号？" in sign_in_html


@pytest.mark.django_db
def test_pages_render_in_english_after_switching(client, org_tree):
    response = client.post("/language", {"language": "en", "next": "/"})
    assert response.status_code == 302
    home = client.get("/")
    assert home["Content-Language"] == "en"
    html = home.content.decode()
    assert [nav_tab(html, tab) for tab in ("home", "events", "alumni", "me")] == [
        "Home",
        "Events",
        "Alumni",
        "Me",
    ]
    assert "首页" not in html

    console = client.get("/console/")
    sign_in_html = client.get(console["Location"]).content.decode()
    assert title_of(sign_in_html) == "Sign in"
    assert "No account yet?" in sign_in_html

    # And back: the switch works both ways.
    client.post("/language", {"language": "zh-hans", "next": "/"})
    assert nav_tab(client.get("/").content.decode(), "home") == "首页"

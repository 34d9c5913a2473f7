"""Rendering campaign mail: substitution without template tags, sanitizing, links, text part."""

from __future__ import annotations

from xiaoyou.messaging.email_render import (
    compile_campaign,
    extract_links,
    html_to_text,
    render_compiled,
    sanitize_body,
    substitute,
)
from xiaoyou.messaging.email_tracking import message_id_of, message_token


def test_substitution_escapes_html_and_ignores_unknown_and_dotted_names():
    source = "{{ name }}|{{name}}|{{ missing }}|{{ user.password }}|{% if x %}"
    assert (
        substitute(source, {"name": "<b>&"}, html=True)
        == "&lt;b&gt;&amp;|&lt;b&gt;&amp;|||{% if x %}"
    )
    assert substitute(source, {"name": "<b>&"}, html=False) == "<b>&|<b>&|||{% if x %}"


def test_sanitize_keeps_layout_and_drops_scripts_and_handlers():
    dirty = (
        '<table width="100%" style="color:red"><tr><td bgcolor="#fff">x</td></tr></table>'
        '<a href="javascript:alert(1)" onclick="y()">a</a><script>z()</script>'
    )
    assert sanitize_body(dirty) == (
        '<table width="100%" style="color:red"><tbody><tr><td bgcolor="#fff">x</td></tr></tbody>'
        "</table><a>a</a>"
    )


def test_links_are_numbered_once_and_placeholders_render_per_recipient():
    body = (
        '<p><a href="https://a.example/x?y=1&amp;z=2">A</a> <a href="https://b.example/">B</a>'
        ' <a href="https://a.example/x?y=1&amp;z=2">again</a> <a href="mailto:q@x.cn">m</a>'
        ' <a href="https://c.example/{{ name }}">personal</a></p>'
    )
    assert extract_links(body) == ["https://a.example/x?y=1&z=2", "https://b.example/"]
    compiled = compile_campaign(
        subject="Hi {{ name }}",
        body_html=body,
        body_text="",
        org_name="校友会",
        links=extract_links(body),
        track_clicks=True,
    )
    rendered = render_compiled(
        compiled,
        {"name": "王芳"},
        link_urls=["https://t/0", "https://t/1"],
        pixel_url="https://t/p.gif",
        unsubscribe_url="https://t/u",
    )
    assert rendered.subject == "Hi 王芳"
    assert rendered.html.count('href="https://t/0"') == 2
    assert 'href="https://t/1"' in rendered.html
    assert 'href="mailto:q@x.cn"' in rendered.html
    assert 'href="https://c.example/王芳"' in rendered.html
    assert '<img src="https://t/p.gif"' in rendered.html
    assert 'href="https://t/u"' in rendered.html
    assert rendered.text.endswith(": https://t/u\n")
    assert "A (https://a.example/x?y=1&z=2)" in rendered.text


def test_html_to_text_keeps_paragraphs_and_link_targets():
    assert html_to_text('<p>一</p><p>二 <a href="https://x.cn">链接</a></p>') == (
        "一\n\n二 链接 (https://x.cn)"
    )


def test_tokens_cannot_be_forged(settings):
    token = message_token(42)
    assert message_id_of(token) == 42
    assert message_id_of(token.replace("42-", "43-")) is None
    assert message_id_of("42") is None and message_id_of("x-y") is None

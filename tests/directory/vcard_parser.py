"""A small strict vCard 4.0 parser for tests (RFC 6350): CRLF line ends, folded lines of at most
75 octets, BEGIN/VERSION first, END last, FN present, escapes undone."""

from __future__ import annotations

import re

NAME = re.compile(r"^[A-Za-z0-9-]+$")


def unescape(value: str) -> str:
    out, index = [], 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            following = value[index + 1]
            out.append("\n" if following in "nN" else following)
            assert following in "\\,;nN", f"bad escape \\{following}"
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def parse(text: str) -> dict[str, list[tuple[dict[str, str], str]]]:
    """{PROPERTY: [(parameters, raw value)]}; raises AssertionError on anything not valid."""
    assert text.endswith("\r\n"), "the last line must end in CRLF"
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert "\n" not in line and "\r" not in line, "bare LF or CR"
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            assert logical, "continuation before the first line"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    assert logical[0] == "BEGIN:VCARD", logical[0]
    assert logical[1] == "VERSION:4.0", logical[1]
    assert logical[-1] == "END:VCARD", logical[-1]
    properties: dict[str, list[tuple[dict[str, str], str]]] = {}
    for line in logical[1:-1]:
        head, separator, value = line.partition(":")
        assert separator, f"no colon: {line!r}"
        name, *parameters = head.split(";")
        assert NAME.match(name), name
        params = {}
        for parameter in parameters:
            key, equals, parameter_value = parameter.partition("=")
            assert equals and NAME.match(key), parameter
            params[key.upper()] = parameter_value
        properties.setdefault(name.upper(), []).append((params, value))
    assert "FN" in properties, "FN is required"
    assert len(properties["VERSION"]) == 1
    return properties


def text_value(properties, name: str) -> str:
    return unescape(properties[name][0][1])


def components(value: str) -> list[str]:
    """A structured value split on unescaped semicolons, each component unescaped."""
    parts, current, index = [], "", 0
    while index < len(value):
        if value[index] == "\\":
            current += value[index : index + 2]
            index += 2
            continue
        if value[index] == ";":
            parts.append(current)
            current = ""
        else:
            current += value[index]
        index += 1
    parts.append(current)
    return [unescape(part) for part in parts]

"""Specter's XML answers are parsed by defusedxml: entity tricks are unreadable answers, not
expanded (billion laughs) or fetched (external entities)."""

import pytest

from magspec_pipelines.specter.answers import parse_xml_answer
from magspec_pipelines.specter.errors import SpecterUnreadable
from magspec_pipelines.specter.parsing import parse_xml

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<articles><article><name>&lol2;</name></article></articles>"
)
EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<APIresponse><result>1</result><message>&x;</message><id>1</id></APIresponse>"
)


def test_a_plain_answer_still_parses() -> None:
    root = parse_xml("<articles><article><name>Kaffe</name></article></articles>", "getArticles")
    assert root.findtext("article/name") == "Kaffe"


@pytest.mark.parametrize("text", [LAUGHS, EXTERNAL])
def test_entity_declarations_are_unreadable(text: str) -> None:
    with pytest.raises(SpecterUnreadable):
        parse_xml(text, "getArticles")
    with pytest.raises(SpecterUnreadable):
        parse_xml_answer(text)

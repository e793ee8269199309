"""Bigram search text against a real SQLite FTS5 table: Chinese substrings of 1, 2, 3+ chars."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison_app.domain.search_text import index_tokens, match_expression
from liaison_app.models.search_index import CREATE_FTS, FTS_TABLE

DOCS = {
    1: ("沈阳华晨机械制造有限公司", "和平区南京北街"),
    2: ("银行贷款到期续贷困难，希望协调延期",),
    3: ("走访了解复工复产情况", "王小明 李四"),
    4: ("Dalian Port Logistics 大连港物流", "ＡＢＣ１２３"),
}


def fts() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute(CREATE_FTS)
    return con


def add(con: sqlite3.Connection, rowid: int, *parts: str | None) -> None:
    con.execute(
        f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (?, ?)", (rowid, index_tokens(*parts))
    )


def find(con: sqlite3.Connection, query: str) -> set[int]:
    expr = match_expression(query)
    if expr is None:
        return set()
    rows = con.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", (expr,))
    return {r[0] for r in rows}


@pytest.fixture
def con() -> Iterator[sqlite3.Connection]:
    c = fts()
    for rowid, parts in DOCS.items():
        add(c, rowid, *parts)
    yield c
    c.close()


def test_tokens_are_overlapping_bigrams_plus_the_last_character() -> None:
    assert index_tokens("续贷困难") == "续贷 贷困 困难 难"
    assert index_tokens("王") == "王"
    assert index_tokens("王小明 李四", None, "") == "王小 小明 明 李四 四"
    assert index_tokens("贷款，续贷") == "贷款 款 续贷 贷"


def test_match_expressions() -> None:
    assert match_expression("贷") == '"贷"*'
    assert match_expression("续贷") == '"续贷"'
    assert match_expression("续贷困") == '"续贷 贷困"'
    assert match_expression("王 小明") == '"王"* AND "小明"'
    assert match_expression("，。 ！") is None
    assert match_expression("") is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("华", {1}),  # 1 character, first of a run
        ("司", {1}),  # 1 character, last of a run
        ("贷", {2}),
        ("复", {3}),
        ("机械", {1}),  # 2 characters
        ("复产", {3}),
        ("续贷", {2}),
        ("续贷困", {2}),  # 3 characters
        ("机械制造有限", {1}),  # longer
        ("南京北街", {1}),  # a second field
        ("小明", {3}),
        ("港物流", {4}),
    ],
)
def test_chinese_substrings_are_found(con: sqlite3.Connection, query: str, expected: set) -> None:
    assert find(con, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "械机",  # the characters exist, in the other order
        "贷续",
        "复工产",  # skips a character
        "华晨汽车",  # prefix matches, the rest does not
        "公司和平",  # spans two fields
        "难希",  # spans a comma
        "明李",  # spans a space
        "鞍",  # a character in no record
    ],
)
def test_non_substrings_are_not_found(con: sqlite3.Connection, query: str) -> None:
    assert find(con, query) == set()


def test_latin_text_is_case_and_width_insensitive(con: sqlite3.Connection) -> None:
    assert find(con, "port") == {4}
    assert find(con, "PORT") == {4}
    assert find(con, "abc") == {4}
    assert find(con, "ＢＣ１") == {4}
    assert find(con, "dalian port") == {4}


def test_query_words_must_all_occur(con: sqlite3.Connection) -> None:
    assert find(con, "王 小明") == {3}
    assert find(con, "王 贷款") == set()


def test_fts_syntax_in_a_query_is_harmless(con: sqlite3.Connection) -> None:
    for query in ['"', "贷*", "NOT 贷", "贷 OR 机", "(续贷)", "续贷:"]:
        find(con, query)  # never an FTS5 syntax error
    assert find(con, '"续贷"') == {2}


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
SMALL_CJK = st.sampled_from("一二三四五六七")  # few characters: queries often almost match


@given(st.text(CJK, min_size=1, max_size=30), st.data())
def test_any_substring_of_a_chinese_text_finds_it(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(text)))
    con = fts()
    add(con, 7, text)
    assert find(con, text[start:end]) == {7}
    con.close()


@given(st.text(SMALL_CJK, min_size=1, max_size=12), st.text(SMALL_CJK, min_size=1, max_size=4))
def test_found_exactly_when_the_query_is_a_substring(text: str, query: str) -> None:
    con = fts()
    add(con, 1, text)
    assert (find(con, query) == {1}) == (query in text)
    con.close()

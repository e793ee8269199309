"""Search text for Chinese: overlapping character bigrams, as Lucene's CJK bigram analyser does.

Chinese has no spaces and people type one to three characters, so each run of letters, digits
or ideographs becomes its overlapping two-character tokens plus its last character alone. A
query of two or more characters is the phrase of its bigrams (consecutive tokens ⇔ substring);
a single character is a prefix query over the tokens.
"""

from __future__ import annotations

import re
import unicodedata
from operator import add

# Runs of characters that belong to words; everything else separates runs.
_RUN = re.compile(r"[^\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[str]:
    return _RUN.findall(normalise(text))


def _run_tokens(run: str) -> list[str]:
    tokens = list(map(add, run, run[1:]))
    tokens.append(run[-1])
    return tokens


def index_tokens(*parts: str | None) -> str:
    """The token string to store in the FTS5 table for a record's searchable fields."""
    tokens: list[str] = []
    # One pass over all the fields: a space separates runs as a field boundary does.
    for run in runs(" ".join(p for p in parts if p)):
        tokens.extend(_run_tokens(run))
    return " ".join(tokens)


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression finding ``query`` as a substring; None if it has no word chars.

    Each run of the query must occur: runs of two or more characters as a phrase of their
    bigrams, single characters as a prefix query.
    """
    clauses: list[str] = []
    for run in runs(query):
        if len(run) == 1:
            clauses.append(f'"{run}"*')
        else:
            bigrams = " ".join(run[i : i + 2] for i in range(len(run) - 1))
            clauses.append(f'"{bigrams}"')
    return " AND ".join(clauses) if clauses else None

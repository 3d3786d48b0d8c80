"""The one JSON parser of the API: every JSON body is read here, so every view refuses the same
bodies with the same 400."""

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from speakup.core.text import escaped, unstorable

# No client of ours nests anywhere near this deep; a fixed limit answers the same on every
# server, where Python's own recursion limit depends on how deep the stack already is.
MAX_DEPTH = 100
# Also said by a view that finds no body at all, which DRF reads as {} without a parser.
EMPTY_BODY = "The body is empty: send it as JSON."


class SafeJSONParser(JSONParser):
    """JSON, refusing bodies nested too deeply (a RecursionError, so a server error, before) and
    text no database can store: a NUL character (PostgreSQL cannot hold one) or a lone surrogate
    (half of a character, which cannot even be encrypted or sent back: a server error before)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        except ParseError as error:
            # DRF's words name Python's exception ("JSON parse error - Expecting value: line 1
            # column 1 (char 0)"); the problem it caught says where, in plainer words.
            raise ParseError(_not_json(error.__context__)) from None
        json_refuse_unsafe(data)
        return data


def _too_deep() -> str:
    return f"The body is not JSON this API reads: it is nested more than {MAX_DEPTH} levels deep."


def _not_json(problem: BaseException | None) -> str:
    if isinstance(problem, json.JSONDecodeError):
        if not problem.doc.strip():
            return EMPTY_BODY
        what = problem.msg[:1].lower() + problem.msg[1:]
        return (
            f"The body is not valid JSON: {what}, at line {problem.lineno}, column {problem.colno}."
        )
    if isinstance(problem, UnicodeDecodeError):
        return "The body is not valid JSON: send it in UTF-8."
    return f"The body is not valid JSON: {problem}."


def _where(path: list) -> str:
    if not path:
        return "the body"
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    return escaped(text.lstrip("."))


def _refuse_unstorable(text: str, path: list) -> None:
    if problem := unstorable(text):
        raise ParseError(f"{problem}, in {_where(path)}")


def json_refuse_unsafe(data) -> None:
    """Raise ParseError (a 400) naming the first field that holds text no database can store (a
    NUL character or a lone surrogate), or if nested too deep.

    A loop, not recursion: the data may be nearly as deep as Python's recursion limit.
    """
    pending = [(data, [])]
    while pending:
        value, path = pending.pop()
        if isinstance(value, dict | list) and len(path) >= MAX_DEPTH:  # the root is level 1
            raise ParseError(_too_deep())
        if isinstance(value, str):
            _refuse_unstorable(value, path)
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                _refuse_unstorable(key, [*path, key])
                pending.append((item, [*path, key]))
        elif isinstance(value, list):
            pending.extend(
                (item, [*path, index]) for index, item in reversed(list(enumerate(value)))
            )

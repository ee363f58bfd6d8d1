"""SQL conditions on a register's choices, by name: ``is_(MEDIATION_CASE.field("result"), SUCCESS)``.

A figure, a table of the bureau's statistics or a list of what is due counts records by a choice
(调解成功, 镇调委会, 法治进校园 …). Typed into SQL by hand, a choice renamed in ``registers`` would
silently zero the number. Built here, each value is checked against the field's choices when the
condition is built, which is when the module that holds it is imported: a value that is not a choice
stops the program at start-up (``NotAChoice``, a bug), and tests/test_choices.py proves that no other
value is quoted in the package's SQL.

The value is written into the SQL text as a quoted literal, not as a bound parameter: these conditions
are program text composed once (a figure's ``where``, which ``figures.describe`` words for the clerk and
``periods.only_where`` folds into one query per register), never outside data; the only values accepted
are the register's own choices, and a quote in one is doubled. ``choice`` gives the checked value itself,
for a query that binds it as a parameter.
"""

from __future__ import annotations

from zhaocun_desktop.registers import Field


class NotAChoice(ValueError):
    """A condition names a value its field does not offer: a bug in the program, found at import."""


def choice(field: Field, value: str) -> str:
    """``value``, after checking it is one of ``field``'s choices (for a bound parameter)."""
    if value not in field.choices:
        raise NotAChoice(f"{value!r} is not a choice of {field.key} ({field.label}): {', '.join(field.choices) or 'no choices'}")
    return value


def literal(field: Field, value: str) -> str:
    """``value`` as an SQL string literal, after checking it is one of ``field``'s choices."""
    return "'" + choice(field, value).replace("'", "''") + "'"


def is_(field: Field, value: str, column: str = "") -> str:
    """SQL: ``field`` (or ``column``, e.g. ``c.result``) is ``value``."""
    return f"{column or field.key} = {literal(field, value)}"


def is_not(field: Field, value: str, column: str = "") -> str:
    """SQL: ``field`` is not ``value`` (NULL is neither: SQL's ``!=``)."""
    return f"{column or field.key} != {literal(field, value)}"


def in_(field: Field, *values: str, column: str = "") -> str:
    """SQL: ``field`` is one of ``values``."""
    if not values:
        raise NotAChoice(f"in_({field.key}) names no value")
    return f"{column or field.key} IN ({', '.join(literal(field, value) for value in values)})"


def not_in(field: Field, *values: str, column: str = "") -> str:
    """SQL: ``field`` is none of ``values`` (NULL is neither: SQL's ``NOT IN``)."""
    if not values:
        raise NotAChoice(f"not_in({field.key}) names no value")
    return f"{column or field.key} NOT IN ({', '.join(literal(field, value) for value in values)})"

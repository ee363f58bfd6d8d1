"""jsonshape.encoder: the same text as json.JSONEncoder for every value a record, its child rows or a fingerprint holds."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, strategies as st

from zhaocun_desktop import jsonshape

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.dates()  # a date: a default's work
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=6), max_leaves=30)


@given(values)
def test_encoder_writes_what_json_writes(value):
    assert jsonshape.encoder(sort_keys=True, default=str)(value) == json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@given(st.dictionaries(st.text(max_size=8), scalars.filter(lambda v: not isinstance(v, dt.date)), max_size=12))
def test_encoder_keeps_the_order_it_is_given(record):
    assert jsonshape.encoder()(record) == json.JSONEncoder(ensure_ascii=False).encode(record)


def test_encoder_is_reused_across_values():
    encode = jsonshape.encoder(sort_keys=True, default=str)
    first = {"b": [{"y": None, "x": "证"}], "a": 1.5}
    assert encode(first) == '{"a": 1.5, "b": [{"x": "证", "y": null}]}'
    assert encode(first) == encode(dict(reversed(first.items())))  # nothing left over from the call before
    assert encode(float("nan")) == "NaN" and encode("引号\"") == '"引号\\""'

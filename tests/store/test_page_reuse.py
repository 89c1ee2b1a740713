"""Migration 0960: per round and web page, what tells the next round whether the page changed (validators, DOM
hash, digest) and why a page was reused; written, replaced and read back per round."""

from __future__ import annotations

import pytest

from audit.store.codec import PAGE_REUSE_FIELDS

KEY = "page:http://127.0.0.1:8000/xwzx/t1007.html"


def test_page_states_are_kept_per_round(any_store):
    first = any_store.begin_round("web", "round 1")
    second = any_store.begin_round("web", "round 2")
    audited = {"etag": '"5f2b"', "last_modified": None, "dom_hash": "ab" * 32, "digest": "cd" * 32, "reused": None}
    any_store.put_page_reuse(first.id, KEY, audited)
    any_store.put_page_reuse(second.id, KEY, {**audited, "reused": "304"})
    any_store.put_page_reuse(second.id, KEY, {**audited, "etag": '"6a1c"', "reused": "304"})  # replaced, not added

    assert any_store.page_reuse(first.id) == {KEY: audited}
    assert any_store.page_reuse(second.id) == {KEY: {**audited, "etag": '"6a1c"', "reused": "304"}}
    assert set(any_store.page_reuse(first.id)[KEY]) == set(PAGE_REUSE_FIELDS)
    assert any_store.page_reuse(second.id + 1) == {}


def test_a_reason_other_than_304_or_dom_is_refused(any_store):
    round_ = any_store.begin_round("web")
    with pytest.raises(Exception, match="(?i)check"):
        any_store.put_page_reuse(round_.id, KEY, {"digest": "x", "reused": "guessed"})

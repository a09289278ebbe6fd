"""Issue 11: jsonout keeps the text of lists of shared objects and of long strings met again;
what it keeps never outlives a change of what it was written from."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import pytest

from switchadvisor import jsonout

LONG = "a message long enough to be kept encoded, with µ, × and ⁹ in it: " * 2


@dataclass
class Box:
    """Mutable: its text is never kept."""

    n: int
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    name: str


def test_a_list_of_mutable_objects_is_written_afresh_each_time() -> None:
    boxes = [Box(1), Box(2)]
    for _ in range(3):  # met often enough to be kept, were it allowed
        assert jsonout.compact(boxes) == '[{"n":1,"tags":[]},{"n":2,"tags":[]}]'
    boxes[0].n = 7
    boxes[1].tags.append("x")
    assert jsonout.compact(boxes) == '[{"n":7,"tags":[]},{"n":2,"tags":["x"]}]'
    assert jsonout.compact(list(boxes)) == '[{"n":7,"tags":[]},{"n":2,"tags":["x"]}]'


def test_a_list_of_shared_frozen_objects_reads_the_same_every_time() -> None:
    entries = (Entry(LONG), Entry("b"), Entry(LONG))
    expected = json.dumps([{"name": LONG}, {"name": "b"}, {"name": LONG}],
                          ensure_ascii=False, separators=(",", ":"))
    for _ in range(4):
        assert jsonout.compact(list(entries)) == expected
    # other objects with equal fields, or the same ones in another order
    assert jsonout.compact([Entry("b"), entries[0]]) == json.dumps(
        [{"name": "b"}, {"name": LONG}], ensure_ascii=False, separators=(",", ":"))
    assert jsonout.compact([entries[1], entries[0]]) == json.dumps(
        [{"name": "b"}, {"name": LONG}], ensure_ascii=False, separators=(",", ":"))


def test_long_strings_met_again_are_written_as_json_writes_them() -> None:
    texts = [LONG, LONG + "\n\x00\"", "".join(reversed(LONG))]
    for _ in range(3):
        for text in texts:
            assert jsonout.compact(text) == json.dumps(text, ensure_ascii=False)
            assert jsonout.compact([text, "x"]) == json.dumps([text, "x"], ensure_ascii=False,
                                                              separators=(",", ":"))


@dataclass(frozen=True)
class Record:
    head: str
    count: int
    items: tuple[Entry, ...]
    note: str | None
    tail: dict[str, object]


RECORD = Record(head="h", count=3, items=(Entry("a"), Entry("µ")), note=None,
                tail={"from": "x", "n": 1, "ok": True, "none": None})


@pytest.mark.parametrize("known", [
    (), ("head",), ("count", "items"), ("head", "items", "tail"), ("note",),
    ("head", "count", "items", "note", "tail"),
], ids=lambda known: "+".join(known) or "none")
def test_a_frame_writes_what_compact_writes(known: tuple[str, ...]) -> None:
    """A frame writes the fields it knows once; with the others' texts it is the object."""
    write = jsonout.frame(Record, {name: getattr(RECORD, name) for name in known})
    names = [name for name in ("head", "count", "items", "note", "tail") if name not in known]
    assert write(*[jsonout.compact(getattr(RECORD, name)) for name in names]) \
        == jsonout.compact(RECORD) == json.dumps(dataclasses.asdict(RECORD), ensure_ascii=False,
                                                  separators=(",", ":"))


def test_a_frame_refuses_a_field_the_class_lacks_or_a_wrong_count() -> None:
    with pytest.raises(TypeError, match="no field 'nope'"):
        jsonout.frame(Record, {"nope": 1})
    write = jsonout.frame(Record, {"head": "h"})
    with pytest.raises(TypeError, match="4 open fields, 1 texts given"):
        write("3")


def test_kept_text_is_what_the_writer_returns_and_only_frozen_objects_keep_it() -> None:
    entry = Entry("kept")
    jsonout.keep(entry, '{"name":"kept"}')
    assert jsonout.compact(entry) == '{"name":"kept"}'
    with pytest.raises(TypeError, match="does not keep"):
        jsonout.keep(Box(1), "{}")


@pytest.mark.parametrize("value", [
    {"from": "fingolimod", "to": "Kesimpta", "age": 46, "planned": False, "gone": None},
    {"text": "\x00 µ × \u2028 \"quoted\" \\", "big": 10**30, "neg": -7},
    {"lymphocytes": 1e-05, "weeks": 6.0},  # floats: pydantic's spelling, not Python's
    {"lymphocytes": 1.67, "weeks": 56.526785714285715, "big": 1e+16, "zero": -0.0},
    {"nan": float("nan"), "inf": float("-inf"), "text": "1e-05 is text"},
    {"activity": "highly-active", "note": "one-time", True: "a bool key", None: "none"},
    {1: "an int key", "nested": {"a": [1, 2]}},
    {},
])
def test_a_dict_is_written_as_pydantic_writes_it(value: dict[object, object]) -> None:
    from pydantic import TypeAdapter

    assert jsonout.compact(value) == TypeAdapter(dict[object, object]).dump_json(
        value).decode()

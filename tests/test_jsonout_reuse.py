"""Issue 11: jsonout keeps the text of lists of shared objects and of long strings met again;
what it keeps never outlives a change of what it was written from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

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

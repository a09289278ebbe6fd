"""Value semantics for the frozen dataclasses of the rule base and the output.

Equality, hash and repr over the fields, written once here rather than generated per class
(``dataclass(eq=False, repr=False)``): on Python 3.11 the decorator compiles each generated
method at import, and start-up pays for every one of them.
"""

from __future__ import annotations

from switchadvisor import jsonout


class Record:
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        values = jsonout.field_values(self.__class__)
        return values(self) == values(other)

    def __hash__(self) -> int:
        return hash(jsonout.field_values(self.__class__)(self))

    def __repr__(self) -> str:
        cls = self.__class__
        pairs = zip(jsonout.field_names(cls), jsonout.field_values(cls)(self), strict=True)
        return f"{cls.__qualname__}({', '.join(f'{name}={value!r}' for name, value in pairs)})"

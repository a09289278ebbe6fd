"""The loader: read every file, validate it entry by entry, then cross-check the whole.

Problems are collected at each stage; ``read_rulebase`` raises one ``RuleBaseError`` holding
all of them, each positioned at file:line:column (paths relative to the rule base's parent
directory).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from switchadvisor import yamlio
from switchadvisor.errors import RuleBaseError
from switchadvisor.resources import RuleLocation, locate_rules
from switchadvisor.rulebase.checks import cross_check
from switchadvisor.rulebase.files import LoadedFile, digest_of, rule_files
from switchadvisor.rulebase.models import (
    Drug,
    DrugClass,
    EvidenceEntry,
    Finding,
    Pathway,
    RuleBase,
    RuleModel,
    model_for,
)
from switchadvisor.rulebase.problems import Collector, report_validation_error
from switchadvisor.rulebase.wording import check_wording


def read_rulebase(path: str | Path | None = None) -> RuleBase:
    """Read, validate and compile a rule base from its YAML (the packaged one by default),
    never from the cache: what ``rules validate`` and ``rules test`` use.

    Raises ``RuleBaseError`` listing every problem, or ``InputError`` for a missing
    ``path``.
    """
    location = locate_rules(path)
    collector = Collector(location.path.name or "rules")
    return compile_rulebase(location, rule_files(location.path, collector), collector)


def compile_rulebase(location: RuleLocation, files: list[tuple[str, bytes]],
                     collector: Collector) -> RuleBase:
    """The rule base from its files' bytes (``files.rule_files``), whose reading problems
    are already in ``collector``."""
    # Loading allocates tens of thousands of small containers that all survive: the cyclic
    # garbage collector's passes over them find nothing and grow with the rule base's size
    # (load time was 12.75x for a 10x rule base with it, about 10.5x without).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _compile(location, files, collector)
    finally:
        if collecting:
            gc.enable()


def _compile(location: RuleLocation, files: list[tuple[str, bytes]],
             collector: Collector) -> RuleBase:
    loaded: dict[str, LoadedFile] = {}
    values = 0
    for relpath, raw in files:
        remaining = MAX_TOTAL_VALUES - values
        if remaining <= 0:
            collector.add(relpath, (1, 1), "too-large",
                          f"not read: the rule base already holds {MAX_TOTAL_VALUES:,} values")
            continue
        model_type = model_for(relpath)
        result = _load_file(relpath, raw, model_type, collector, budget=remaining)
        if result is not None:
            loaded[relpath] = result
        values += collector.values.get(relpath, 0)
    rulebase = cross_check(location, digest_of(files), loaded, collector)
    if collector.problems or rulebase is None:
        raise RuleBaseError(collector.problems, summary=f"invalid rule base {location.path}",
                            omitted=collector.dropped)
    return rulebase


MAX_TOTAL_VALUES = 100_000
"""Values in the whole rule base (each file has its own cap in ``yamlio``); the shipped one
holds about 7,000."""

_REGISTRIES: dict[str, tuple[str, type[RuleModel]]] = {
    "evidence.yaml": ("evidence", EvidenceEntry),
    "classes.yaml": ("classes", DrugClass),
    "drugs.yaml": ("drugs", Drug),
}


def _load_file(relpath: str, raw: bytes, model_type: type[RuleModel],
               collector: Collector, *, budget: int = MAX_TOTAL_VALUES) -> LoadedFile | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        collector.add(relpath, (line, 1), "encoding", f"not UTF-8 text ({exc.reason})")
        return None
    try:
        too_many = None if budget >= yamlio.MAX_NODES else (
            f"the rule base expands to more than {MAX_TOTAL_VALUES:,} values in all "
            "(aliases count as what they repeat)")
        document = yamlio.load_document(text, max_nodes=min(budget, yamlio.MAX_NODES),
                                        too_many=too_many)
    except yamlio.YamlSyntaxError as exc:
        collector.values[relpath] = exc.size
        for problem in exc.problems:
            collector.add(relpath, (problem.line, problem.column), problem.code,
                          problem.message)
        return None
    collector.nodes[relpath] = document
    check_wording(relpath, document.data, collector)  # no research notes in what users see
    collector.values[relpath] = document.size
    if not isinstance(document.data, dict):
        collector.add(relpath, (1, 1), "not-a-mapping",
                      "the file must hold a mapping of keys to values")
        return None
    # Lists of entries are validated entry by entry, so one broken entry does not hide the
    # problems (dangling ids, bad conditions) of all the others.
    data = dict(document.data)
    if relpath in _REGISTRIES:
        key, item_model = _REGISTRIES[relpath]
        data[key] = _valid_items(relpath, document, data.get(key), [key], item_model, collector)
    elif model_type is Pathway:
        data["findings"] = _valid_items(relpath, document, data.get("findings", []),
                                        ["findings"], Finding, collector)
    model, errors = validate(model_type, data)
    for error in errors:
        report_validation_error(relpath, document, error, collector)
    return None if errors else LoadedFile(relpath, document, model)


def _valid_items(relpath: str, document: yamlio.Document, items: Any,
                 loc: list[str | int], item_model: type[RuleModel],
                 collector: Collector) -> Any:
    if not isinstance(items, list):
        return items  # the file model reports the wrong type
    valid = []
    kept = collector.kept.setdefault((relpath, str(loc[0])), [])
    for index, item in enumerate(items):
        model, errors = validate(item_model, item)
        if not errors:
            valid.append(model)
            kept.append(index)
            continue
        for error in errors:
            located = dict(error)
            located["loc"] = (*loc, index, *error["loc"])
            report_validation_error(relpath, document, located, collector)
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            collector.invalid_ids.add(item["id"])
    return valid


_ADAPTERS: dict[type[RuleModel], Any] = {}


def validate(model_type: type[RuleModel], data: Any) -> tuple[Any, list[Any]]:
    """One value validated as ``model_type``: (the instance, []) or (None, pydantic's
    errors). pydantic is imported here, where YAML enters, and nowhere on the run path."""
    from pydantic import TypeAdapter, ValidationError

    adapter = _ADAPTERS.get(model_type)
    if adapter is None:
        adapter = _ADAPTERS[model_type] = TypeAdapter(model_type)
    try:
        return adapter.validate_python(data), []
    except ValidationError as exc:
        return None, list(exc.errors())



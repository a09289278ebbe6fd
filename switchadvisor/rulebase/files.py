"""Finding a rule base's files and reading them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from switchadvisor import yamlio
from switchadvisor.rulebase.problems import Collector

REQUIRED_FILES = ("rulebase.yaml", "evidence.yaml", "classes.yaml", "drugs.yaml")


@dataclass
class LoadedFile:
    relpath: str
    document: yamlio.Document
    model: Any



def rule_files(root: Path, collector: Collector) -> list[tuple[str, Path]]:
    files: list[tuple[str, Path]] = []
    for name in REQUIRED_FILES:
        if (root / name).is_file():
            files.append((name, root / name))
        else:
            collector.add(name, (1, 1), "missing-file", f"required file {name} is missing")
    pathway_dir = root / "pathways"
    if pathway_dir.is_dir():
        for file_path in sorted(pathway_dir.iterdir()):
            if file_path.suffix in {".yaml", ".yml"}:
                files.append((f"pathways/{file_path.name}", file_path))
    return files


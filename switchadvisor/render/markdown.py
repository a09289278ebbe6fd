"""Markdown output: the same content as the terminal view, for notes and slides."""

from __future__ import annotations

import re
from urllib.parse import quote

from switchadvisor.assessment import STALE_WARNING, Assessment, EvidenceOut
from switchadvisor.render import options_text
from switchadvisor.render.safe import neutralise_html


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


_URL_SAFE = ":/?#@!$&'*+,;=%~"
"""Kept as is in a link target; everything else that is not a letter, digit or ``-._`` is
percent-encoded, so ``)``, ``]``, ``<``, ``>``, spaces and quotes cannot end the link."""


def _href(url: str) -> str:
    return quote(url, safe=_URL_SAFE)


def _link_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>()!|])", r"\\\1", text)


def _cite(entry: EvidenceOut) -> str:
    kind = entry.kind.value.replace("-", " ")
    size = f", n={entry.n}" if entry.n else ""
    links = []
    if entry.doi:
        links.append(f"[doi:{_link_text(entry.doi)}](https://doi.org/{_href(entry.doi)})")
    if entry.pmid:
        links.append(f"[PMID {_link_text(entry.pmid)}]"
                     f"(https://pubmed.ncbi.nlm.nih.gov/{_href(entry.pmid)}/)")
    if not links and entry.url:
        links.append(f"<{_href(entry.url)}>")
    section = f" {entry.section}." if entry.section else ""
    section += f" {entry.holder}." if entry.holder and entry.holder != entry.authors else ""
    section += f" Version: {entry.version}." if entry.version else ""
    year = entry.year or "n.d."
    return (f"- **{entry.id}** *({kind}{size})* {entry.authors} ({year}). {entry.title}. "
            f"{entry.source}.{section} {' · '.join(links)}  \n  {_cell(entry.finding)}")


def render_markdown(assessment: Assessment) -> str:
    switch = assessment.switch
    lines = [
        f"# {switch.from_.name} → {switch.to.name}: **{assessment.verdict.value.upper()}**",
        "",
        f"*{switch.from_.class_name} → {switch.to.class_name}*"
        + ("; rituximab is off-label in MS" if switch.to.off_label or switch.from_.off_label
           else ""),
        "",
    ]
    info = assessment.rulebase
    lines += [f"*Rule base {info.id} {info.version}, reviewed {info.reviewed}.*", ""]
    if info.stale:
        lines += [f"> **Warning:** {STALE_WARNING}", ""]
    if assessment.worst_possible.rank > assessment.verdict.rank:
        lines += [f"> Could still be **{assessment.worst_possible.value.upper()}**: some findings "
                  "were not evaluated.", ""]
    lines += [f"{summary}\n" for summary in assessment.summary]
    if assessment.facts:
        lines += ["## Facts given", ""]
        lines += [f"- {fact.name}: {fact.read_as}" for fact in assessment.facts]
        lines.append("")
    lines += ["## Washout", ""]
    washout = assessment.washout
    if washout is None:
        lines.append("No pathway gives a washout window for this switch.")
    else:
        lines += [f"**{washout.window}** — *{washout.position.value}*: {washout.explanation}",
                  "",
                  f"Basis: {_cell(washout.basis)} ({', '.join(washout.evidence)})"]
    lines.append("")
    if assessment.figures:
        lines += [f"After stopping {switch.from_.name}:", ""]
        lines += [f"- {figure.name.replace('_', ' ')}: {figure.text}"
                  + (f" ({', '.join(figure.evidence)})" if figure.evidence else "")
                  for figure in assessment.figures]
        lines.append("")
    if assessment.findings:
        lines += ["## Findings", "", "| Level | Finding | Why | Evidence |", "|---|---|---|---|"]
        for item in assessment.findings:
            why = "; ".join(step.text for step in item.trace)
            evidence = ", ".join(item.evidence)
            if item.counter_evidence:
                evidence += f"; *against:* {', '.join(item.counter_evidence)}"
            lines.append(f"| {item.severity.value} | **{_cell(item.title)}** "
                         f"{_cell(item.message)} *({item.layer.value})* | {_cell(why)} | "
                         f"{evidence} |")
        lines.append("")
    if assessment.not_evaluated:
        lines += ["## Not evaluated", ""]
        for pending in assessment.not_evaluated:
            lines.append(f"- **{pending.severity.value}** {pending.title}: not evaluated, needs "
                         f"{', '.join(pending.needs)} ({options_text(pending.options)}); "
                         f"{pending.decides}.")
        lines.append("")
    if assessment.not_fired:
        lines += ["## Checked and did not fire", ""]
        lines += [f"- {item.title}: {'; '.join(step.text for step in item.trace)}"
                  for item in assessment.not_fired]
        lines.append("")
    if assessment.alternatives:
        lines += ["## Alternatives worth considering", ""]
        lines += [f"- **{alt.name}**: {_cell(alt.reason)} ({', '.join(alt.evidence)})"
                  for alt in assessment.alternatives]
        lines.append("")
    supporting = assessment.evidence_for()
    against = assessment.evidence_against()
    if supporting:
        lines += ["## Evidence", ""] + [_cite(entry) for entry in supporting] + [""]
    if against:
        lines += ["## Evidence that argues the other way", ""]
        lines += [_cite(entry) for entry in against] + [""]
    lines += ["---", "", f"*{assessment.disclaimer}*", ""]
    return neutralise_html("\n".join(lines))

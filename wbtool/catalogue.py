"""Loading and checking task catalogues (附件2 as a YAML file).

A catalogue is edited by people, so loading never raises for a bad one: it returns
what it could build plus findings.  ``load`` gives ``None`` only when there is
nothing usable at all (missing file, broken YAML, no tasks).
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import yaml

from .findings import finding
from .indicators import TargetError, parse_target
from .model import (
    CASE,
    CATALOGUE_KINDS,
    DEFAULT_TIME_ZONE,
    INDICATORS,
    PERCENT,
    STAMPED,
    SUMMARY,
    TASKS,
    UNIT_KINDS,
    Catalogue,
    Count,
    Finding,
    Group,
    Indicator,
    MaterialRule,
    Notice,
    PackageRules,
    ReportHead,
    Section,
    Task,
    Unit,
    time_zone,
)
from .owners import Registry, squeeze

# The kinds a ``package:`` block may ask for: each has its finding codes (summary-…, case-…, stamped-…).
PACKAGE_KINDS = (SUMMARY, CASE, STAMPED)

DEFAULT = "wuxi-2022"
FILENAME = "catalogue.yaml"
# libyaml parses a catalogue about eight times faster; every command loads one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What ``parse_yaml`` makes of given bytes depends on this and nothing else.
PARSER_VERSION = f"PyYAML {yaml.__version__} {_YAML_LOADER.__name__}"


def shipped_dir() -> Path:
    """The folder of catalogues that ship with the tool (``templates/``)."""
    return Path(str(resources.files("wbtool.templates")))


def available() -> list[str]:
    """Names of the shipped catalogues."""
    return sorted(p.parent.name for p in shipped_dir().glob(f"*/{FILENAME}"))


def locate(name_or_path: str | Path | None) -> Path:
    """The YAML file for a shipped catalogue name, a folder, or a file path."""
    if name_or_path is None:
        name_or_path = DEFAULT
    path = Path(name_or_path)
    if path.is_dir():
        return path / FILENAME
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return path
    return shipped_dir() / str(name_or_path) / FILENAME


def parse_yaml(data: bytes) -> Any:
    """A catalogue file's bytes as YAML data (UTF-8 only: what the bureau's editors save)."""
    return yaml.load(data.decode("utf-8"), Loader=_YAML_LOADER)


def load(name_or_path: str | Path | None = None, *, parse: Callable[[bytes], Any] = parse_yaml) -> tuple[Catalogue | None, list[Finding]]:
    """Load and check a catalogue: ``(catalogue or None, findings)``.

    ``parse`` turns the file's bytes into YAML data: ``parse_yaml``, or the same
    remembered by the read cache (``io.read_cache.remembered``) — a province's
    名录 of 5,000 units takes PyYAML a third of a second to build, every command.
    """
    path = locate(name_or_path)
    try:
        raw = parse(path.read_bytes())
    except FileNotFoundError:
        names = "、".join(available())
        return None, [_invalid(path, f"找不到任务清单“{name_or_path}”。可用的内置清单：{names}；或给出 YAML 文件路径。")]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [_invalid(path, f"任务清单无法读取：{_one_line(exc)}。请检查文件是否为 UTF-8 编码的 YAML。")]
    try:
        return build(raw, source=str(path))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return None, [_invalid(path, f"任务清单格式不对：{_one_line(exc)}。请对照内置清单的写法修改。")]


def _invalid(path: Path, message: str) -> Finding:
    return finding("catalog-invalid", message, file=str(path))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# ---------------------------------------------------------------------------


def build(raw: Any, source: str = "") -> tuple[Catalogue | None, list[Finding]]:
    """Build a ``Catalogue`` from parsed YAML data and check it."""
    if not isinstance(raw, dict):
        raise ValueError("顶层应是键值对（id、title、sections……）")
    kind = str(raw.get("kind", TASKS))
    if kind not in CATALOGUE_KINDS:
        raise ValueError(f"kind“{kind}”应为 {'、'.join(CATALOGUE_KINDS)} 之一")
    findings: list[Finding] = []
    units = tuple(_unit(item) for item in raw.get("units") or ())
    groups = tuple(_group(item) for item in raw.get("groups") or ())
    registry = Registry(units, groups)

    indicators: tuple[Indicator, ...] = ()
    if kind == INDICATORS:
        indicators, sections, findings = _indicator_sections(raw, units, source)
        seen_numbers = {ind.no for ind in indicators}
    else:
        sections, seen_numbers = _sections(raw, registry, source, findings)

    if not seen_numbers:
        return None, findings + [finding("catalog-invalid", "任务清单里没有任何任务。", file=source)]

    catalogue = Catalogue(
        id=str(raw["id"]),
        title=str(raw["title"]).strip(),
        attachment=str(raw.get("attachment", "附件2")),
        limit=int(raw.get("limit", 300)),
        sections=tuple(sections),
        units=units,
        groups=groups,
        notice=Notice(**{k: str(v).strip() for k, v in (raw.get("notice") or {}).items()}),
        report=_report_head(raw.get("report") or {}),
        entry_label=str(raw.get("entry_label", "完成情况")),
        source=source,
        registry=registry,
        package=_package(raw.get("package")),
        kind=kind,
        indicators=indicators,
        time_zone=_time_zone(raw.get("time_zone")),
    )
    findings.extend(_unused_units(catalogue))
    return catalogue, findings


def _time_zone(value: Any) -> str:
    """The units' time zone (an IANA name); a name ``zoneinfo`` does not know stops the load."""
    name = str(value).strip() if value is not None else ""
    name = name or DEFAULT_TIME_ZONE
    try:
        time_zone(name)
    except ValueError as exc:
        raise ValueError(f"time_zone 一项：{exc}") from None
    return name


def _lines(value: Any) -> tuple[str, ...]:
    """A text given as one string or as a list of the lines it is printed on."""
    if isinstance(value, (list, tuple)):
        return tuple(squeeze(str(line)) for line in value if str(line).strip())
    return (squeeze(str(value)),) if value and str(value).strip() else ()


def _report_head(raw: dict) -> ReportHead:
    dated = str(raw.get("date") or "").strip()
    if dated:
        try:
            date.fromisoformat(dated)
        except ValueError:
            raise ValueError(f"report 一节的 date“{dated}”不是日期，请写成 2023-01-20 这样的格式") from None
    return ReportHead(
        recipient=squeeze(str(raw.get("recipient") or "")),
        issuer=_lines(raw.get("issuer")),
        date=dated,
        title=_lines(raw.get("title")),
    )
def _sections(raw: dict, registry: Registry, source: str, findings: list[Finding]) -> tuple[list[Section], set[int]]:
    sections = []
    seen_numbers: set[int] = set()
    for raw_section in raw.get("sections") or ():
        title = squeeze(str(raw_section["title"]))
        tasks = []
        for raw_task in raw_section.get("tasks") or ():
            task, task_findings = _task(raw_task, title, registry, source)
            findings.extend(task_findings)
            if task.no in seen_numbers:
                findings.append(
                    finding("catalog-duplicate-task", f"任务序号 {task.no} 出现了不止一次，请改为唯一序号。", task=task.no, file=source)
                )
                continue
            seen_numbers.add(task.no)
            tasks.append(task)
        sections.append(Section(title=title, tasks=tuple(tasks)))
    return sections, seen_numbers


# Every unit of an indicator catalogue reports every indicator: each indicator is
# also a task owned by all units, so planning and attribution are those of text forms.
INDICATOR_SECTION = "指标分解"
INDICATOR_OWNERS = "各单位"


def _indicator_sections(raw: dict, units: tuple[Unit, ...], source: str) -> tuple[tuple[Indicator, ...], list[Section], list[Finding]]:
    findings: list[Finding] = []
    indicators: list[Indicator] = []
    for item in raw.get("indicators") or ():
        no = int(item["number"])
        if any(ind.no == no for ind in indicators):
            findings.append(finding("catalog-duplicate-task", f"指标序号 {no} 出现了不止一次，请改为唯一序号。", task=no, file=source))
            continue
        try:
            indicators.append(_indicator(item, no))
        except TargetError as exc:
            findings.append(finding("catalog-invalid", f"指标 {no}：{exc}。", task=no, file=source))
    owners = tuple(unit.name for unit in units)
    tasks = tuple(
        Task(no=ind.no, text=ind.text, section=INDICATOR_SECTION, owners_text=INDICATOR_OWNERS, owners=owners, lead=None)
        for ind in indicators
    )
    return tuple(indicators), [Section(title=INDICATOR_SECTION, tasks=tasks)], findings


def _indicator(raw: dict, no: int) -> Indicator:
    text = squeeze(str(raw.get("text") or ""))
    if not text:
        raise TargetError("项目名称为空")
    targets = tuple(sorted((int(year), parse_target(str(value))) for year, value in (raw.get("targets") or {}).items()))
    if raw.get("numerator") or raw.get("denominator"):
        measure = str(raw.get("count_measure") or "人")
        counts = (
            Count(f"{no}.num", squeeze(str(raw["numerator"])), measure),
            Count(f"{no}.den", squeeze(str(raw["denominator"])), measure),
        )
    else:
        measure = next((t.measure for _, t in targets if t.measure), "")
        counts = (Count(str(no), squeeze(str(raw.get("count") or text)), str(raw.get("count_measure") or measure)),)
    indicator = Indicator(no=no, text=text, targets=targets, counts=counts)
    measures = {t.measure for _, t in targets if t.has_target}
    if indicator.is_share and measures - {PERCENT}:
        raise TargetError(f"比例类指标（有 numerator、denominator）的目标应为百分数，却写了“{'、'.join(t.text for _, t in targets)}”")
    if not indicator.is_share and PERCENT in measures:
        raise TargetError("目标是百分数，各单位须填分子、分母两个数量：请写明 numerator（分子）和 denominator（分母）")
    return indicator


def _package(raw: Any) -> PackageRules | None:
    """The ``package:`` block: the package's name and the materials it must hold."""
    if not raw:
        return None
    name = str(raw.get("name") or "{单位}")
    if "{单位}" not in name:
        raise ValueError(f"package.name“{name}”应含“{{单位}}”，例如“{{单位}}样板建设总结”")
    materials = tuple(_material_rule(item) for item in raw.get("materials") or ())
    return PackageRules(name=name, materials=materials, subject=str(raw.get("subject") or "").strip())


def _material_rule(raw: dict) -> MaterialRule:
    if raw.get("kind") not in PACKAGE_KINDS:
        raise ValueError(f"材料类别“{raw.get('kind')}”应是 {'、'.join(PACKAGE_KINDS)} 之一")
    about = int(raw["about"]) if raw.get("about") else None
    band = raw.get("range") or ([about // 2, about * 2] if about else [None, None])
    words = tuple(str(word) for word in raw.get("words") or ())
    if not words:
        raise ValueError(f"材料“{raw['kind']}”没有识别用的词（words）")
    return MaterialRule(
        kind=str(raw["kind"]),
        words=words,
        required=int(raw.get("required", 1)),
        max_words=int(raw["max"]) if raw.get("max") else None,
        about=about,
        low=band[0],
        high=band[1],
        pdf=bool(raw.get("pdf", False)),
        covers=tuple(str(kind) for kind in raw.get("covers") or ()),
    )


def _unit(raw: Any) -> Unit:
    if isinstance(raw, str):
        raw = {"name": raw}
    kind = raw.get("kind", UNIT_KINDS[0])
    if kind not in UNIT_KINDS:
        raise ValueError(f"单位“{raw['name']}”的类别“{kind}”不是 {'、'.join(UNIT_KINDS)} 之一")
    return Unit(
        name=squeeze(raw["name"]),
        kind=kind,
        aliases=tuple(squeeze(a) for a in raw.get("aliases") or ()),
        email=raw.get("email"),
        contact=raw.get("contact"),
    )


def _group(raw: dict) -> Group:
    return Group(
        name=squeeze(raw["name"]),
        kinds=tuple(raw.get("kinds") or ()),
        members=tuple(squeeze(m) for m in raw.get("members") or ()),
        per_task=bool(raw.get("per_task", False)),
    )


def _task(raw: dict, section: str, registry: Registry, source: str) -> tuple[Task, list[Finding]]:
    # The key is "number", not "no": YAML 1.1 reads a bare `no:` key as False.
    no = int(raw["number"])
    text = squeeze(str(raw.get("text") or ""))
    # Spaces inside an owner string are line-wrap and PDF-extraction debris
    # (市人力资源 社会保障局): unit names contain none, so every display drops them.
    owners_text = squeeze(str(raw.get("owners") or ""))
    findings: list[Finding] = []
    if not text or not owners_text:
        what = "任务内容" if not text else "责任单位"
        findings.append(finding("catalog-empty-text", f"任务 {no} 的{what}为空，请补全。", task=no, file=source))

    per_task = {squeeze(k): tuple(squeeze(m) for m in v) for k, v in (raw.get("group_members") or {}).items()}
    owners: list[str] = []
    lead = None
    for position, token in enumerate(registry.parse(owners_text)):
        if token.group:
            owners.extend(registry.members(registry.group(token.group), per_task))
            continue
        if token.unit is None:
            findings.append(
                finding(
                    "catalog-owner-unknown",
                    f"任务 {no} 的责任单位“{token.text}”不在单位名录中，请在 units 中登记该单位，或登记为已有单位的别名（aliases）。",
                    task=no,
                    file=source,
                )
            )
            continue
        if token.guessed:
            findings.append(
                finding(
                    "catalog-unit-spelling",
                    f"任务 {no} 把“{token.unit}”写作“{token.text}”，名录里没有这个别名；请在该单位的 aliases 中登记“{token.text}”。",
                    task=no,
                    file=source,
                )
            )
        if position == 0:
            lead = token.unit
        owners.append(token.unit)
    task = Task(
        no=no,
        text=text,
        section=section,
        owners_text=owners_text,
        owners=tuple(dict.fromkeys(owners)),
        lead=lead,
        deadline=(str(raw["deadline"]).strip() if raw.get("deadline") else None),
    )
    return task, findings


def _unused_units(catalogue: Catalogue) -> list[Finding]:
    return [
        finding("catalog-unit-unused", f"单位“{unit.name}”在清单中没有任务，不会生成填报表。", unit=unit.name, file=catalogue.source)
        for unit in catalogue.units
        if not catalogue.tasks_of(unit.name)
    ]

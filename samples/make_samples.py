"""Build the sample returns in samples/回收材料/ from freshly generated templates.

Run once from the repository root and commit the result:

    python samples/make_samples.py

The texts come from samples/texts.yaml; the templates from ``wbtool.pipeline.generate``
with the fixed batch id that ``wbtool demo`` uses (``wbtool.demo.BATCH``), so the
demo's own templates and these returns belong to the same batch.  Each sample is
made the way a unit really produces it: filled in Excel (openpyxl here), re-saved
by LibreOffice, saved as .xls, pasted into the Word version of 附件2, zipped by
Windows with GBK names, mailed as an attachment.  LibreOffice (soffice) is needed for the re-saved and
.xls samples; ``wbtool demo`` itself never needs it.

Every document and zip entry gets a fixed time, so a re-run writes the same
texts for the same units (the LibreOffice outputs carry LibreOffice's own times).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import encoders
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from pathlib import Path

import openpyxl
import yaml
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from wbtool import demo

HERE = Path(__file__).resolve().parent
TEXTS = HERE / "texts.yaml"
RETURNS = HERE / demo.RETURNS_DIR
FONTCONFIG = HERE.parents[1] / "shared" / "fontconfig" / "fonts.conf"

FORM_SHEET = "填报表"
CST = timezone(timedelta(hours=8))


# ---------------------------------------------------------------------------
# the texts
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleTexts:
    """texts.yaml as data: unit → task number → text, for each kind of sample text."""

    entries: dict[str, dict[int, str]]
    corrections: dict[str, dict[int, str]] = field(default_factory=dict)
    foreign: dict[str, dict[int, str]] = field(default_factory=dict)

    def all_texts(self) -> list[tuple[str, int, str, str]]:
        """Every text as (kind, unit, task, text)."""
        return [
            (kind, unit, no, text)
            for kind in ("entries", "corrections", "foreign")
            for unit, texts in getattr(self, kind).items()
            for no, text in texts.items()
        ]


def load_texts(path: Path = TEXTS) -> SampleTexts:
    """Read texts.yaml.  Long texts are folded over several lines there; the fold's
    white space is not part of the text (Chinese prose has no spaces)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))

    def section(name: str) -> dict[str, dict[int, str]]:
        return {
            unit: {int(no): "".join(str(text).split()) for no, text in texts.items()}
            for unit, texts in (raw.get(name) or {}).items()
        }

    return SampleTexts(
        entries=section("entries"),
        corrections=section("corrections"),
        foreign=section("foreign"),
    )


# ---------------------------------------------------------------------------
# who sends what (the scenario the samples tell)
# ---------------------------------------------------------------------------

EDU = "市教育局"
HRSS = "市人力资源社会保障局"
NDRC = "市发展改革委"
SCI = "市科技局"
WXIT = "无锡职业技术学院"
WXIC = "无锡商业职业技术学院"
YIXING = "宜兴市"
FIN = "市财政局"

UNITS = (EDU, HRSS, NDRC, SCI, WXIT, WXIC, YIXING, FIN)


def at(day: int, hour: int, minute: int) -> datetime:
    """A time in January 2023, Beijing time (the notice's deadline is 12 January)."""
    return datetime(2023, 1, day, hour, minute, tzinfo=CST)


# ---------------------------------------------------------------------------
# filling a template (the unit's part)
# ---------------------------------------------------------------------------


def _header(sheet) -> tuple[int, dict[str, int]]:
    """The header row of the fill-in sheet and the column of each heading we need."""
    for row in sheet.iter_rows(min_row=1, max_row=30):
        labels = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if "序号" in labels:
            entry = next(col for label, col in labels.items() if label.startswith("完成情况"))
            return row[0].row, {**labels, "完成情况": entry}
    raise ValueError("模板中没有找到表头“序号”")


def fill(
    template: Path,
    out: Path,
    texts: dict[int, str],
    saved_at: datetime,
    *,
    author: str,
    foreign: dict[int, str] | None = None,
    catalogue=None,
) -> Path:
    """Type ``texts`` into the 完成情况 cells, as the unit does in Excel; save as ``out``.

    ``foreign`` rows are added below the unit's own rows (the template has nothing
    below its table): the unit copies a task it does not own from the notice's table
    and reports on it anyway.
    """
    book = openpyxl.load_workbook(template)
    sheet = book[FORM_SHEET]
    header_row, columns = _header(sheet)
    number_col, entry_col = columns["序号"], columns["完成情况"]
    last = header_row
    for row in range(header_row + 1, sheet.max_row + 1):
        value = sheet.cell(row, number_col).value
        if value is None or not str(value).strip().isdigit():
            continue
        last = row
        text = texts.get(int(str(value).strip()))
        if text is not None:
            sheet.cell(row, entry_col).value = text
    for no, text in (foreign or {}).items():
        last += 1
        task = catalogue.task(no)
        for label, value in (("序号", str(no)), ("工程名称", task.section), ("主要任务", task.text), ("责任单位", task.owners_text)):
            if label in columns:
                sheet.cell(last, columns[label]).value = value
        sheet.cell(last, entry_col).value = text
    book.properties.lastModifiedBy = author
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    restamp(out, saved_at)
    return out


_STAMPS = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
# When the bureau made the templates: the day the batch id names.
TEMPLATES_MADE = datetime(2023, 1, 5, 9, 0, tzinfo=CST)


def restamp(path: Path, when: datetime) -> None:
    """Give an OOXML file fixed times: in docProps/core.xml and on every zip entry.

    openpyxl and python-docx stamp "now" on save; a correction is told from the first
    version by this time, so the samples must carry the time the story says.
    """
    stamps = {
        "created": TEMPLATES_MADE.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "modified": when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    local = when.timetuple()[:6]
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                core = _STAMPS.sub(lambda m: m.group(1) + stamps[m.group(2)] + m.group(3), data.decode("utf-8"))
                data = core.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=local)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    path.write_bytes(buffer.getvalue())


# ---------------------------------------------------------------------------
# LibreOffice: the re-saved and the .xls samples
# ---------------------------------------------------------------------------


def soffice_convert(source: Path, to: str, outdir: Path) -> Path:
    """Open ``source`` in LibreOffice and save it as ``to`` (e.g. "xls:MS Excel 97")."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("需要 LibreOffice（soffice）来生成“另存为”的样例。")
    env = dict(os.environ)
    if FONTCONFIG.exists():
        env["FONTCONFIG_FILE"] = str(FONTCONFIG)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", to, "--outdir", str(outdir), str(source)],
            check=True, capture_output=True, timeout=240, env=env,
        )
    out = outdir / f"{source.stem}.{to.split(':', 1)[0]}"
    if not out.exists():
        sys.exit(f"LibreOffice 没有写出 {out}")
    return out


# ---------------------------------------------------------------------------
# Word: the table pasted into 附件2, and a 工作总结
# ---------------------------------------------------------------------------


def _east_asian(run, font: str) -> None:
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _cell_text(cell, text: str, size: float = 10.5, font: str = "仿宋_GB2312", bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    _east_asian(run, font)


def word_table(catalogue, unit: str, texts: dict[int, str], out: Path, saved_at: datetime) -> Path:
    """The Word version of 附件2 with the unit's texts pasted into its rows.

    As in the notice: columns 工程名称 | 主要任务 | 责任单位 | 完成情况, the task number
    at the start of 主要任务, 工程名称 merged down over its tasks.
    """
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    heading = document.add_paragraph()
    _east_asian(heading.add_run("附件2"), "黑体")
    title = document.add_paragraph()
    run = title.add_run(catalogue.title)
    run.font.size = Pt(18)
    _east_asian(run, "方正小标宋简体")

    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    limit = f"完成情况（每项字数控制在{catalogue.limit}字以内）"
    for cell, label in zip(table.rows[0].cells, ("工程名称", "主要任务", "责任单位", limit)):
        _cell_text(cell, label, font="黑体", bold=True)
    for catalogue_section in catalogue.sections:
        first = None
        for task in catalogue_section.tasks:
            cells = table.add_row().cells
            if first is None:
                first = cells[0]
                _cell_text(first, catalogue_section.title)
            else:
                first = first.merge(cells[0])
            _cell_text(cells[1], f"{task.no}. {task.text}")
            _cell_text(cells[2], task.owners_text)
            if task.no in texts:
                _cell_text(cells[3], texts[task.no])
    for row in table.rows:
        for cell, width in zip(row.cells, (Mm(35), Mm(85), Mm(40), Mm(97))):
            cell.width = width
    _stamp_docx(document, unit, saved_at)
    document.save(out)
    restamp(out, saved_at)
    return out


def summary_docx(unit: str, paragraphs: list[str], out: Path, saved_at: datetime) -> Path:
    """A short 工作总结, the document every unit sends beside its form."""
    document = Document()
    title = document.add_paragraph()
    run = title.add_run(f"{unit}推进苏锡常都市圈职业教育高质量发展样板建设工作总结")
    run.font.size = Pt(22)
    _east_asian(run, "方正小标宋简体")
    for text in paragraphs:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        run = paragraph.add_run(text)
        run.font.size = Pt(16)
        _east_asian(run, "仿宋_GB2312")
    _stamp_docx(document, unit, saved_at)
    document.save(out)
    restamp(out, saved_at)
    return out


def _stamp_docx(document, unit: str, saved_at: datetime) -> None:
    props = document.core_properties
    props.author = props.last_modified_by = unit
    props.created = props.modified = saved_at.astimezone(timezone.utc).replace(tzinfo=None)
    props.title = props.subject = props.comments = props.keywords = ""


WXIT_SUMMARY = [
    "2020年以来，我院深入贯彻《关于整体推进苏锡常都市圈职业教育改革创新打造高质量发展样板的实施意见》，"
    "对照《实施方案》明确的5项任务，逐项制定工作台账，按期完成全部任务。",
    "一是党建引领作用进一步彰显。牵头成立苏锡常都市圈职业教育党建联盟，联合三市14所高职院校开展党建共建活动42场。"
    "二是办学层次进一步提升。对照职业技术大学设置标准补齐短板，关键办学指标全部达标。"
    "三是服务能力进一步增强。年均培训人次达到全日制在校生规模的2.3倍，爱尔兰学院获批设立。",
    "下一步，我院将继续对标职业本科建设要求，深化产教融合、科教融汇，为无锡打造职业教育高质量发展样板作出更大贡献。",
]


WXIT_CASE_TITLE = "深化校企协同育人　打造产教融合新样板"
WXIT_CASE = [
    ("heading", "一、主要做法"),
    ("text", "学院坚持“校企共建、资源共享、人才共育”原则，与区域龙头企业共建智能制造、集成电路等6个产业学院，"
     "企业深度参与人才培养方案制定、课程开发和实践教学，校企共同开发活页式教材23部、共建实训基地11个。"),
    ("text", "健全“双导师”制度，聘请企业技术骨干担任产业导师286人，专任教师每年到企业实践不少于1个月，"
     "“双师型”教师占专业课教师比例达到86%。"),
    ("heading", "二、取得成效"),
    ("text", "近三年，学生获全国职业院校技能大赛一等奖9项，毕业生留锡就业率保持在60%以上；"
     "校企合作开展技术服务项目412项，到账经费1.2亿元。"),
    ("bold", "经验启示：产教融合的关键在于让企业成为育人主体，形成利益共享、风险共担的长效机制。"),
]
WXIC_CASE_TITLE = "“订单班”助力商贸服务业人才培养"
WXIC_CASE = [
    ("text", "学院与本地商贸流通企业合作开设“订单班”17个，企业提前介入招生、共同制定课程标准，"
     "学生在校期间完成岗位轮训，毕业即上岗，订单班学生对口就业率达到95%。"),
]


def case_docx(title: str, blocks: list[tuple[str, str]], out: Path, saved_at: datetime, unit: str) -> Path:
    """A 典型经验: its title, headings, a bold closing line."""
    document = Document()
    run = document.add_paragraph().add_run(title)
    run.font.size = Pt(22)
    _east_asian(run, "方正小标宋简体")
    for kind, text in blocks:
        if kind == "heading":
            document.add_heading(text, level=2)
            continue
        run = document.add_paragraph().add_run(text)
        run.font.size = Pt(16)
        run.bold = kind == "bold"
        _east_asian(run, "仿宋_GB2312")
    _stamp_docx(document, unit, saved_at)
    document.save(out)
    restamp(out, saved_at)
    return out


def stamped_pdf(summary: Path, out: Path) -> Path:
    """The 工作总结 as its PDF 盖章版 (printed by LibreOffice: a text layer)."""
    printed = soffice_convert(summary, "pdf", out.parent / "printed")
    return printed.replace(out)


# ---------------------------------------------------------------------------
# zips and mail
# ---------------------------------------------------------------------------


class _GbkName(zipfile.ZipInfo):
    """A zip entry whose name is stored in GBK without the UTF-8 flag (bit 11).

    That is what Windows' 「发送到 → 压缩(zipped)文件夹」 writes on a Chinese system:
    names in the ANSI code page, no flag — the case a reader has to guess.
    """

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's own name)
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def windows_zip(out: Path, members: list[Path], saved_at: datetime) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            entry = _GbkName(member.name, date_time=saved_at.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0  # MS-DOS, as Windows writes it
            archive.writestr(entry, member.read_bytes())
    return out


def mail(out: Path, attachment: Path, *, sender: str, subject: str, body: str, sent_at: datetime) -> Path:
    """A message as Chinese mail clients send it: GBK text, the attachment's name as
    RFC 2047 GBK words inside the parameters (not RFC 2231)."""
    # A fixed boundary, in the style of Foxmail, so re-runs write the same bytes.
    message = MIMEMultipart(boundary=f"----=_001_NextPart{sent_at:%Y%m%d%H%M%S}_=----")
    message["From"] = sender
    message["To"] = "wxzqs@126.com"
    message["Subject"] = Header(subject, "gbk")
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = f"<{sent_at:%Y%m%d%H%M%S}.sample@wbtool.invalid>"
    message.attach(MIMEText(body, "plain", "gbk"))
    part = MIMEBase("application", "x-zip-compressed")
    part.set_payload(attachment.read_bytes())
    encoders.encode_base64(part)
    encoded = Header(attachment.name, "gbk").encode()
    part.add_header("Content-Disposition", "attachment", filename=encoded)
    part.set_param("name", encoded)
    message.attach(part)
    out.write_bytes(message.as_bytes())
    return out


# ---------------------------------------------------------------------------


def build(out: Path = RETURNS) -> list[Path]:
    from wbtool import catalogue as catalogues
    from wbtool.pipeline import generate

    texts = load_texts()
    catalogue, findings = catalogues.load(demo.CATALOGUE)
    if catalogue is None:
        sys.exit(f"任务清单无法读取：{findings}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="wbtool-samples-") as work_dir:
        work = Path(work_dir)
        generated = generate(catalogue, work / "填报表", units=list(UNITS), batch=demo.BATCH)
        templates = {f.unit: f.path for f in generated.files}
        missing = [unit for unit in UNITS if unit not in templates]
        if missing:
            sys.exit(f"没有生成这些单位的填报表：{missing}")
        entries = texts.entries

        def filled(unit: str, name: str, when: datetime, folder: Path = out, **extra) -> Path:
            return fill(templates[unit], folder / name, entries[unit], when, author=unit, catalogue=catalogue, **extra)

        # Plain returns, filled in Excel.
        filled(EDU, "市教育局-样板建设任务完成情况.xlsx", at(11, 17, 42))
        filled(FIN, "市财政局样板建设任务完成情况.xlsx", at(12, 10, 5), foreign=texts.foreign.get(FIN))
        # A correction: the same unit sends a second file two days later.
        filled(YIXING, "宜兴市样板建设任务完成情况.xlsx", at(10, 15, 20))
        fill(
            templates[YIXING],
            out / "宜兴市样板建设任务完成情况（更正）.xlsx",
            {**entries[YIXING], **texts.corrections.get(YIXING, {})},
            at(12, 9, 15),
            author=YIXING,
        )
        # Re-saved by LibreOffice (xlsx → xlsx), and saved as .xls.
        resaved = filled(NDRC, "附件2完成情况（市发展改革委）.xlsx", at(11, 16, 30), folder=work / "raw")
        soffice_convert(resaved, "xlsx", out)
        as_xls = filled(HRSS, "市人社局样板建设任务完成情况.xlsx", at(12, 11, 0), folder=work / "raw")
        soffice_convert(as_xls, "xls:MS Excel 97", out)
        # Pasted into the Word version of 附件2.
        word_table(catalogue, SCI, entries[SCI], out / "市科技局附件2完成情况.docx", at(11, 9, 48))
        # Zipped on Windows with its 工作总结: GBK names, no UTF-8 flag.
        pack = work / "pack"
        pack.mkdir()
        form = filled(WXIT, "附件2 任务完成情况（无锡职业技术学院）.xlsx", at(12, 14, 2), folder=pack)
        summary = summary_docx(WXIT, WXIT_SUMMARY, pack / "无锡职业技术学院样板建设工作总结.docx", at(12, 13, 40))
        case = case_docx(WXIT_CASE_TITLE, WXIT_CASE, pack / "无锡职业技术学院典型经验.docx", at(12, 13, 50), WXIT)
        stamped = stamped_pdf(summary, pack / "无锡职业技术学院样板建设工作总结（盖章版）.pdf")
        windows_zip(out / "无锡职业技术学院样板建设总结.zip", [form, summary, case, stamped], at(12, 14, 10))
        # Mailed: the zip attached, its name in RFC 2047 GBK words; one text over the limit.
        mailed = work / "mail"
        mailed.mkdir()
        wxic_form = filled(WXIC, "无锡商业职业技术学院任务完成情况.xlsx", at(12, 15, 1), folder=mailed)
        # Its 典型经验 saved by WPS as Word 97 (.doc), short of the 1000 字 asked; no 工作总结, no PDF.
        wxic_case = case_docx(WXIC_CASE_TITLE, WXIC_CASE, mailed / "典型经验.docx", at(12, 14, 55), WXIC)
        wxic_doc = soffice_convert(wxic_case, "doc:MS Word 97", mailed / "doc")
        wxic_zip = windows_zip(mailed / "无锡商业职业技术学院样板建设总结.zip", [wxic_form, wxic_doc], at(12, 15, 5))
        mail(
            out / "无锡商业职业技术学院样板建设总结.eml",
            wxic_zip,
            sender=f"{Header('无锡商业职业技术学院教务处', 'gbk').encode()} <jwc@wxic.example.cn>",
            subject="无锡商业职业技术学院样板建设总结",
            body="张老师：\n    您好！附件为我院样板建设总结材料（含任务完成情况表），请查收。\n\n无锡商业职业技术学院教务处\n2023年1月12日\n",
            sent_at=at(12, 15, 12),
        )
    return sorted(out.iterdir())


def main() -> None:
    written = build()
    total = sum(path.stat().st_size for path in written)
    for path in written:
        print(f"{path.stat().st_size:>8,}  {path.relative_to(HERE)}")
    print(f"共 {len(written)} 个文件，{total / 1024:.0f} KB")


if __name__ == "__main__":
    main()

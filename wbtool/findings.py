"""The registry of finding codes.

Codes are a public contract (scripts filter on them, the README's table is made from
this registry): never rename one, only add.  Severity lives here, not at the call
site, so one code always means one severity.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Finding, Severity

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Code:
    severity: Severity
    title: str  # a few Chinese words, used in tables
    meaning: str  # one Chinese sentence for the README


CODES: dict[str, Code] = {
    # --- catalogues -------------------------------------------------------
    "catalog-invalid": Code(E, "任务清单无法读取", "任务清单文件不存在、不是合法的 YAML，或缺少必填项。"),
    "catalog-owner-unknown": Code(E, "责任单位不在名录", "某项任务的责任单位在单位名录中找不到，也不是已定义的单位组。"),
    "catalog-unit-spelling": Code(W, "同一单位两种写法", "同一单位在清单中有两种写法，但名录里没有登记为别名。"),
    "catalog-duplicate-task": Code(E, "任务序号重复", "两项任务使用了同一个序号。"),
    "catalog-empty-text": Code(E, "任务内容为空", "某项任务没有任务内容或没有责任单位。"),
    "catalog-unit-unused": Code(I, "名录单位无任务", "名录中的单位在清单里没有任何任务，不会收到填报表。"),
    # --- importing a catalogue from the official document -------------------
    "import-no-table": Code(E, "未找到任务表", "导入的文件中没有含“主要任务”“责任单位”表头的表格。"),
    "import-unit-kind": Code(I, "单位类别为推断", "导入时按名称推断了单位类别（职业院校 / 其他），请核对。"),
    "import-unit-alias": Code(I, "别名为推断", "导入时把表中的简称推断为某单位的别名，请核对。"),
    "import-group-members": Code(I, "单位组成员为推断", "导入时推断了单位组（如“各相关院校”）包含哪些单位，请核对。"),
    "import-section-joined": Code(I, "工程名称已拼合", "工程名称在表中分在几行或几页，导入时拼合为一个，请核对。"),
    "import-task-numbered": Code(I, "序号为推断", "任务没有序号，导入时按顺序编号，请核对。"),
    "import-notice-missing": Code(I, "通知要素未找到", "导入时未找到标题、字数上限、截止时间、联系人等通知要素或附件1名单，需手工补全。"),
    # --- reading returned files ---------------------------------------------
    "file-unreadable": Code(E, "文件无法读取", "文件损坏、格式不支持，或读取超时、占用内存过多。"),
    "file-encrypted": Code(E, "文件已加密", "文件设置了打开密码，需提供密码或请单位去掉密码后重发。"),
    "archive-unsafe": Code(E, "压缩包不安全", "压缩包含有越界路径、链接、重名文件，或解压后体积异常（疑似压缩炸弹）。"),
    "archive-unsupported": Code(E, "压缩格式不支持", "rar、7z 等压缩包无法读取，需请单位改发 zip，或手工解压后放入回收文件夹。"),
    "file-empty": Code(W, "空文件", "文件是 0 字节，或压缩包、邮件里没有任何文件，单位可能发错了文件。"),
    "file-symlink": Code(W, "链接未读取", "回收文件夹中的符号链接不跟随读取，需把链接指向的文件本身放入回收文件夹。"),
    "form-not-found": Code(E, "未找到填报表", "文件中没有包含“序号、主要任务、完成情况”表头的表格。"),
    "attachment": Code(I, "附带材料", "回收材料中的其他文件（工作总结、PDF 等）；任务清单规定了报送材料时按类别计字、核查。"),
    "macro-present": Code(W, "含宏", "文件含有宏代码；只读取内容，不运行宏。"),
    "material-unreadable": Code(W, "材料无法读取", "工作总结、典型经验等材料的文字读不出（损坏、加密，或 .doc/.wps 而本机未装 LibreOffice），字数未统计。"),
    # --- the package beside the form (the catalogue's package: block) ------------
    "summary-missing": Code(W, "缺工作总结", "单位报送了材料，但其中没有工作总结（电子版）。"),
    "summary-over-limit": Code(W, "工作总结超字数", "工作总结超过通知规定的字数（通知为“原则上”，不作为错误）。"),
    "case-missing": Code(W, "缺典型经验", "单位报送了材料，但其中没有典型经验（电子版）。"),
    "case-length": Code(I, "典型经验篇幅", "典型经验的字数与通知要求的约数相差较大（如不足一半或超过两倍）。"),
    "stamped-missing": Code(W, "缺盖章版", "单位报送的材料中没有 PDF 盖章版。"),
    "package-name": Code(I, "材料包命名不符", "压缩包、邮件或文件夹没有按通知要求的“单位+样板建设总结”命名。"),
    # --- who sent it ----------------------------------------------------------
    "unit-unknown": Code(E, "无法确定报送单位", "文件内标识、文件名、压缩包名、邮件发件人都无法确定是哪个单位报送的。"),
    "unit-conflict": Code(E, "报送单位不一致", "文件内标识、文件名等来源指向不同单位；该文件内容暂不汇总，需用 --assign 指定。"),
    "template-foreign": Code(W, "非本批次模板", "文件来自其他任务清单、其他版本或其他批次的模板。"),
    # --- content ----------------------------------------------------------------
    "not-owner": Code(E, "非本单位任务", "单位填写了不由其负责的任务。"),
    "task-unknown": Code(E, "任务不存在", "表中的某行对不上清单中的任何任务。"),
    "task-text-changed": Code(W, "任务内容被改动", "单位改动了“主要任务”一栏的文字；以清单原文为准。"),
    "row-missing": Code(W, "任务行缺失", "单位负责的任务在返回的表中找不到对应行。"),
    "entry-missing": Code(W, "未填写完成情况", "单位负责的任务，完成情况为空。"),
    "over-limit": Code(E, "超出字数", "完成情况超过规定字数。"),
    "formula-entry": Code(E, "完成情况为公式", "完成情况单元格是公式而不是文字。"),
    "task-number-changed": Code(W, "序号被改动", "表中某行的序号与任务内容对不上；按任务内容认定是哪一项。"),
    "row-duplicate": Code(E, "任务行重复", "同一文件中同一项任务出现了不止一行且内容不同；只采用第一行。"),
    "superseded": Code(I, "已被更正版本替代", "同一单位后来又报送了该任务，较早的内容不再采用。"),
    "unit-missing": Code(W, "未报送", "单位有任务但没有报送任何材料。"),
    "form-blank": Code(W, "填报表未填写", "单位报送的填报表一项也没有填写（发回了空白模板或发错了文件）。"),
    "value-invalid": Code(E, "填报值不是数量", "指标填报值不是 0 或正整数（如“约100”“若干”、负数、小数、百分比）；原文保留在问题清单中，不计入汇总。"),
    "value-inconsistent": Code(E, "分子大于分母", "比例类指标的分子数量大于分母数量；两个数都不计入汇总。"),
    "value-missing": Code(W, "未填写填报值", "指标的某个数量没有填写（没有的应填 0）；该指标不计入本单位。"),
    "final-over-limit": Code(E, "定稿超出字数", "汇总表“定稿”一栏超过规定字数。"),
    "final-pending": Code(E, "待定稿", "某项任务的完成情况超过规定字数且没有定稿，报告附件中该项印为“（待定稿）”。"),
    "final-carried": Code(I, "沿用定稿", "重新汇总时沿用了上一版汇总表中局里修改的“定稿”。"),
    "final-review": Code(W, "定稿需复核", "沿用的“定稿”所依据的完成情况在重新汇总后有变化，需对照新内容复核。"),
    "master-invalid": Code(E, "汇总表无法使用", "文件不是 wbtool 生成的汇总表，或缺少“附件2”工作表及其表头。"),
    # --- mail -------------------------------------------------------------------
    "contact-unit-unknown": Code(W, "通讯录单位不在名录", "通讯录中的单位名称在单位名录中找不到，该行未采用。"),
    "contact-email-invalid": Code(W, "通讯录邮箱无效", "通讯录中的邮箱不是有效的邮件地址，该行的邮箱未采用。"),
    "contact-missing": Code(W, "单位没有邮箱", "通讯录和任务清单都没有该单位的邮箱，没有为它生成邮件。"),
    "mail-send-failed": Code(E, "邮件发送失败", "服务器拒收了发给该单位的邮件；其他单位照常发送，重新运行只补发未发出的。"),
    # --- writing outputs ---------------------------------------------------------
    "output-other-batch": Code(E, "输出文件夹有其他批次", "输出文件夹里已有另一批次的填报表清单；为免两批混在一起，不写入。"),
    "output-batch-replaced": Code(W, "覆盖了其他批次", "按要求覆盖了另一批次的清单；该批次未重新生成的旧文件仍在文件夹中。"),
    "output-unwritable": Code(E, "输出文件无法写入", "输出文件或文件夹无法写入（被占用、无权限或磁盘已满）。"),
}


def finding(code: str, message: str, **where) -> Finding:
    """A ``Finding`` with the severity the registry gives its code."""
    return Finding(code=code, severity=CODES[code].severity, message=message, **where)


def codes_table_markdown() -> str:
    """The README's table of finding codes, made from the registry."""
    lines = ["| 代码 | 级别 | 名称 | 含义 |", "| --- | --- | --- | --- |"]
    for code, info in CODES.items():
        lines.append(f"| `{code}` | {info.severity.label} | {info.title} | {info.meaning} |")
    return "\n".join(lines)


def _write_readme_table(readme_path: str = "README.md") -> None:
    """Refresh the generated table between the README's codes markers."""
    import re
    from pathlib import Path

    path = Path(readme_path)
    text = path.read_text(encoding="utf-8")
    block = f"<!-- codes:begin -->\n{codes_table_markdown()}\n<!-- codes:end -->"
    text = re.sub(r"<!-- codes:begin -->\n.*?<!-- codes:end -->", lambda _: block, text, flags=re.S)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":  # python -m wbtool.findings --readme
    import sys

    if "--readme" in sys.argv:
        _write_readme_table()
    else:
        print(codes_table_markdown())

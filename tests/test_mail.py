"""``wbtool send``, ``fetch`` and ``remind`` against real servers on loopback.

The SMTP server is aiosmtpd, the IMAP server pymap (``dict`` backend); both are
started and stopped here (``tests/mailservers.py``).  Drafts and received mail are
read back with the ``email`` package (``policy.default``), as a mail client would.
"""

from __future__ import annotations

import base64
import csv
import email
import email.policy
import json
import time
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from wbtool.io import mailbox
from wbtool.cli import main
from wbtool.io.contacts import ContactsError, parse_rows, read_contacts
from wbtool.io.mail import read_mail

import returns
from mailservers import PASSWORD, USER, closed_port, imap_server, silent_server, smtp_server

SCIENCE, FINANCE, COMMERCE = "市科技局", "市财政局", "市商务局"
ADDRESSES = {SCIENCE: "kjj@wuxi.gov.cn", FINANCE: "czj@wuxi.gov.cn", COMMERCE: "swj@wuxi.gov.cn"}


def run(*args: str, env: dict | None = None, input: str | None = None):
    # A wide console: rich would otherwise wrap the sentences the tests look for.
    environment = {"COLUMNS": "400", **({"WBTOOL_MAIL_PASSWORD": PASSWORD} if env is None else env)}
    return CliRunner().invoke(main, list(args), env=environment, input=input, catch_exceptions=False)


def contacts_xlsx(path: Path, rows) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["2023年样板建设总结 联系人通讯录"])
    sheet.append([])
    sheet.append(["序号", "单位名称", "联系人", "电子邮箱", "联系电话"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """A generated batch for three units (with 清单.json), as ``wbtool generate`` writes it."""
    folder = tmp_path_factory.mktemp("batch") / "填报表"
    result = CliRunner().invoke(
        main, ["generate", "--out", str(folder), "--batch", returns.BATCH, "-u", SCIENCE, "-u", FINANCE, "-u", COMMERCE]
    )
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def book(tmp_path):
    """Two of the three units have an address; 市商务局 has none anywhere."""
    return contacts_xlsx(
        tmp_path / "通讯录.xlsx",
        [("科技局", "王五", ADDRESSES[SCIENCE], "85000001"), ("市财政局", "赵六", ADDRESSES[FINANCE].upper(), "85000002")],
    )


# ---------------------------------------------------------------------------
# the address book
# ---------------------------------------------------------------------------


def test_contacts_resolve_aliases_and_report_what_they_cannot_use(tmp_path, wuxi):
    path = contacts_xlsx(
        tmp_path / "通讯录.xlsx",
        [
            ("市人社局", "李四", "rsj@wuxi.gov.cn；rsj2@wuxi.gov.cn", "123"),
            ("市科技委员会", "某某", "x@wuxi.gov.cn", ""),
            ("市财政局", "赵六", "不知道", ""),
        ],
    )
    book = read_contacts(path, wuxi)
    hr = book.get("市人力资源社会保障局")
    assert (hr.email, hr.person, hr.phone, hr.others) == ("rsj@wuxi.gov.cn", "李四", "123", ("rsj2@wuxi.gov.cn",))
    assert {f.code for f in book.findings} == {"contact-unit-unknown", "contact-email-invalid"}
    assert book.get("市财政局").email is None
    assert all(f.cell and f.file == "通讯录.xlsx" for f in book.findings)


def test_contacts_csv_saved_by_chinese_excel_is_gbk(tmp_path, wuxi):
    path = tmp_path / "通讯录.csv"
    with open(path, "w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows([["单位", "联系人", "邮箱", "电话"], ["无锡职院", "钱七", "zy@wxit.edu.cn", "1"]])
    assert read_contacts(path, wuxi).get("无锡职业技术学院").email == "zy@wxit.edu.cn"


def test_contacts_without_header_cannot_be_used(wuxi):
    with pytest.raises(ContactsError, match="表头"):
        parse_rows([["a", "b"], ["市科技局", "x@y.cn"]], wuxi, source="book.csv")


# ---------------------------------------------------------------------------
# send: drafts
# ---------------------------------------------------------------------------


def parse(path: Path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_drafts_open_in_a_mail_parser_with_the_unit_s_template(tmp_path, templates, book, wuxi):
    out = tmp_path / "发件箱"
    result = run("send", str(templates), "--out", str(out), "--contacts", str(book), env={})
    assert result.exit_code == 0, result.output
    drafts = sorted(out.glob("*.eml"))
    assert [p.name for p in drafts] == sorted([f"通知-{FINANCE}.eml", f"通知-{SCIENCE}.eml"])
    for unit in (SCIENCE, FINANCE):
        message = parse(out / f"通知-{unit}.eml")
        assert message["X-Unsent"] == "1"
        assert str(message["To"]) == ADDRESSES[unit]
        assert unit in str(message["Subject"]) and wuxi.notice.title in str(message["Subject"])
        (attachment,) = list(message.iter_attachments())
        template = templates / f"附件2-任务完成情况-{unit}.xlsx"
        assert attachment.get_filename() == template.name
        assert attachment.get_content() == template.read_bytes()
        raw = (out / f"通知-{unit}.eml").read_bytes()
        assert b"filename*0*=utf-8''" in raw or b"filename*=utf-8''" in raw  # RFC 2231
        assert b'name="=?utf-8?B?' in raw  # RFC 2047, for older clients
        # The MIME type on the header's own line, never folded away nor encoded.
        assert b"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name=" in raw
        body = message.get_body(("plain",)).get_content()
        for fact in (wuxi.notice.deadline, wuxi.notice.contact, wuxi.notice.email, wuxi.notice.naming, "报送方式"):
            assert fact in body
        # The project's own reader (what check and merge use) reads it the same way.
        mail, findings = read_mail((out / f"通知-{unit}.eml").read_bytes(), "x")
        assert not findings and mail.attachments[0].name == template.name
    assert "王五同志" in parse(out / f"通知-{SCIENCE}.eml").get_body(("plain",)).get_content()
    assert COMMERCE in result.output and "没有邮箱" in result.output
    assert not (out / mailbox.SENT_LOG).exists()


def test_send_refuses_a_folder_that_generate_did_not_write(tmp_path):
    result = run("send", str(tmp_path), "--out", str(tmp_path / "out"), env={})
    assert result.exit_code == 2
    assert "清单.json" in result.output


# ---------------------------------------------------------------------------
# send: SMTP
# ---------------------------------------------------------------------------


def send_args(templates, out, book, server, *extra):
    return ("send", str(templates), "--out", str(out), "--contacts", str(book), "--smtp", server.url, "--user", USER, "--send", "--interval", "0", "--timeout", "5", *extra)


def test_send_delivers_each_unit_s_mail_once(tmp_path, templates, book):
    out = tmp_path / "发件箱"
    with smtp_server() as server:
        result = run(*send_args(templates, out, book, server))
        assert result.exit_code == 0, result.output
        assert sorted(r.recipients[0] for r in server.received) == sorted([ADDRESSES[SCIENCE], ADDRESSES[FINANCE]])
        for received in server.received:
            message = received.message
            assert received.sender == USER and message["X-Unsent"] is None
            assert b"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name=" in received.data
            unit = SCIENCE if received.recipients == [ADDRESSES[SCIENCE]] else FINANCE
            (attachment,) = list(message.iter_attachments())
            assert attachment.get_content() == (templates / f"附件2-任务完成情况-{unit}.xlsx").read_bytes()
        assert PASSWORD not in result.output
        log = json.loads((out / mailbox.SENT_LOG).read_text(encoding="utf-8"))
        assert set(log["sent"]) == {f"通知-{SCIENCE}.eml", f"通知-{FINANCE}.eml"}
        assert PASSWORD not in (out / mailbox.SENT_LOG).read_text(encoding="utf-8")

        again = run(*send_args(templates, out, book, server))
        assert again.exit_code == 0 and len(server.received) == 2
        assert "此前已发送" in again.output


def test_an_interrupted_send_is_resumed_without_sending_twice(tmp_path, templates, book, wuxi):
    from wbtool import outbox
    from wbtool.io.contacts import read_contacts as read_book

    out = tmp_path / "发件箱"
    plan = outbox.notices(wuxi, templates, read_book(book, wuxi))
    pairs = [(path.name, mail) for path, mail in outbox.write_drafts(plan.messages, out, USER)]

    def stop_after_first(done, total):
        if done == 1:
            raise KeyboardInterrupt

    with smtp_server() as server:
        account = mailbox.Account(mailbox.parse_server(server.url, ("smtp",)), USER, PASSWORD, timeout=5)
        with pytest.raises(KeyboardInterrupt):
            mailbox.send_all(pairs, account, out, progress=stop_after_first)
        assert len(server.received) == 1
        first = server.received[0].recipients

        result = run(*send_args(templates, out, book, server))
        assert result.exit_code == 0, result.output
        assert len(server.received) == 2
        assert server.received[1].recipients != first


def test_ctrl_c_during_send_exits_130(tmp_path, templates, book, monkeypatch):
    import wbtool.outbox as outbox

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(outbox, "send_all", interrupted)
    with smtp_server() as server:
        result = run(*send_args(templates, tmp_path / "out", book, server))
    assert result.exit_code == 130
    assert "重新运行" in result.output


def test_one_refused_recipient_does_not_stop_the_others(tmp_path, templates, book):
    out = tmp_path / "发件箱"
    with smtp_server() as server:
        server.refuse.add(ADDRESSES[SCIENCE])
        result = run(*send_args(templates, out, book, server))
        assert result.exit_code == 1
        assert [r.recipients for r in server.received] == [[ADDRESSES[FINANCE]]]
        assert "mail-send-failed" in result.output and "发送失败" in result.output

        server.refuse.clear()
        result = run(*send_args(templates, out, book, server))
        assert result.exit_code == 0, result.output
        assert [r.recipients for r in server.received] == [[ADDRESSES[FINANCE]], [ADDRESSES[SCIENCE]]]


def test_a_message_the_server_stalls_on_fails_alone_and_is_sent_on_the_next_run(tmp_path, templates, book):
    out = tmp_path / "发件箱"
    with smtp_server() as server:
        server.stall.add(ADDRESSES[SCIENCE])
        started = time.monotonic()
        result = run(*send_args(templates, out, book, server)[:-2], "--timeout", "1")
        assert time.monotonic() - started < 10
        assert result.exit_code == 1, result.output
        assert [r.recipients for r in server.received] == [[ADDRESSES[FINANCE]]]
        assert "没有响应" in result.output

        server.stall.clear()
        result = run(*send_args(templates, out, book, server))
        assert result.exit_code == 0, result.output
        assert [r.recipients for r in server.received] == [[ADDRESSES[FINANCE]], [ADDRESSES[SCIENCE]]]


def test_wrong_password_is_said_in_chinese_and_exits_2(tmp_path, templates, book):
    with smtp_server() as server:
        result = run(*send_args(templates, tmp_path / "out", book, server), env={"WBTOOL_MAIL_PASSWORD": "wrong-one"})
        assert result.exit_code == 2
        assert "拒绝登录" in result.output and "授权码" in result.output
        assert "wrong-one" not in result.output
        assert server.received == []


def test_password_is_asked_for_when_the_environment_has_none(tmp_path, templates, book):
    with smtp_server() as server:
        result = run(*send_args(templates, tmp_path / "out", book, server), env={"WBTOOL_MAIL_PASSWORD": ""}, input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
        assert len(server.received) == 2
        assert PASSWORD not in result.output


def test_refused_connection_exits_2(tmp_path, templates, book):
    port = closed_port()
    result = run("send", str(templates), "--out", str(tmp_path / "o"), "--contacts", str(book), "--smtp", f"smtp://127.0.0.1:{port}", "--user", USER, "--send", "--timeout", "2")
    assert result.exit_code == 2
    assert "拒绝连接" in result.output


@pytest.mark.parametrize("scheme", ["smtp", "smtps"])
def test_a_server_that_hangs_gives_exit_2_within_the_timeout(tmp_path, templates, book, scheme):
    with silent_server() as port:
        started = time.monotonic()
        result = run("send", str(templates), "--out", str(tmp_path / "o"), "--contacts", str(book), "--smtp", f"{scheme}://127.0.0.1:{port}", "--user", USER, "--send", "--timeout", "0.5")
        assert time.monotonic() - started < 10
    assert result.exit_code == 2
    assert "没有响应" in result.output


@pytest.mark.parametrize("url", ["http://smtp.126.com", "smtp://", "smtps://host:port"])
def test_a_bad_server_address_exits_2(tmp_path, templates, book, url):
    result = run("send", str(templates), "--out", str(tmp_path / "o"), "--smtp", url, "--user", USER, "--send")
    assert result.exit_code == 2
    assert "写法不对" in result.output or "端口不对" in result.output


# ---------------------------------------------------------------------------
# fetch
# ---------------------------------------------------------------------------

WHEN = datetime(2023, 1, 10, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def gbk_rfc2231_mail(attachment: bytes, name: str, sender: str) -> bytes:
    """As Foxmail on a Chinese Windows writes it: RFC 2231 in GBK, split over continuations."""
    quoted = "".join(f"%{b:02X}" for b in name.encode("gbk"))
    half = quoted.rfind("%", 0, len(quoted) // 2 + 1)  # a byte boundary, maybe inside a character

    body = base64.encodebytes(attachment).decode("ascii")
    text = (
        f"From: =?GBK?B?{base64.b64encode('科技局'.encode('gbk')).decode()}?= <{sender}>\r\n"
        "To: wxzqs@126.com\r\n"
        f"Subject: =?GBK?B?{base64.b64encode('回复：样板建设总结（市科技局）'.encode('gbk')).decode()}?=\r\n"
        f"Date: {format_datetime(WHEN)}\r\n"
        f"Message-ID: {make_msgid(domain='wuxi.gov.cn')}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.encodebytes('请查收。'.encode('gbk')).decode('ascii')}\r\n"
        "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: attachment;\r\n filename*0*=GBK''{quoted[:half]};\r\n filename*1*={quoted[half:]}\r\n\r\n"
        f"{body}\r\n--b1--\r\n"
    )
    return text.encode("ascii")


def rfc2047_mail(attachment: bytes, name: str, sender: str, subject: str) -> bytes:
    """As older Outlook writes it: an RFC 2047 word inside the quoted name."""

    word = f"=?gb2312?B?{base64.b64encode(name.encode('gbk')).decode()}?="
    body = base64.encodebytes(attachment).decode("ascii")
    text = (
        f"From: {sender}\r\nTo: wxzqs@126.com\r\nSubject: {subject}\r\nDate: {format_datetime(WHEN)}\r\n"
        f"Message-ID: {make_msgid(domain='example.cn')}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b2"\r\n\r\n'
        "--b2\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee attached\r\n"
        f'--b2\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name="{word}"\r\n'
        f'Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="{word}"\r\n\r\n{body}\r\n--b2--\r\n'
    )
    return text.encode("ascii")


def plain_mail(sender: str, subject: str, attachments=(), when: datetime = WHEN) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = USER
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(domain="example.cn")
    message.set_content("材料见附件。")
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="zip", filename=name)
    return bytes(message)


@pytest.fixture(scope="module")
def filled(tmp_path_factory, wuxi):
    folder = tmp_path_factory.mktemp("filled")
    made = {}
    for unit in (SCIENCE, FINANCE, COMMERCE):
        path = returns.template(wuxi, unit, folder)
        made[unit] = returns.fill(path, {task.no: f"{unit}已完成任务{task.no}。" for task in wuxi.tasks_of(unit)}, folder / f"{unit}-填好.xlsx")
    return made


def fetch_args(server, out, *extra):
    return ("fetch", "--imap", server.url, "--user", USER, "--out", str(out), "--timeout", "5", *extra)


def test_fetch_saves_messages_with_attachments_and_check_identifies_every_sender(tmp_path, filled, wuxi):
    out = tmp_path / "回收材料"
    zipped = returns.zip_gbk({f"{COMMERCE}样板建设总结/附件2.xlsx": filled[COMMERCE]}, tmp_path / "z.zip")
    with imap_server() as server:
        server.deliver(gbk_rfc2231_mail(filled[SCIENCE].read_bytes(), f"附件2-{SCIENCE}.xlsx", ADDRESSES[SCIENCE]))
        server.deliver(rfc2047_mail(filled[FINANCE].read_bytes(), f"附件2（{FINANCE}）.xlsx", ADDRESSES[FINANCE], "Re: report"))
        server.deliver(plain_mail(ADDRESSES[COMMERCE], f"{COMMERCE}样板建设总结", [(f"{COMMERCE}样板建设总结.zip", zipped.read_bytes())]))
        server.deliver(plain_mail("someone@example.cn", "收到，谢谢"))
        before = server.flags()

        result = run(*fetch_args(server, out))
        assert result.exit_code == 0, result.output
        saved = sorted(out.glob("*.eml"))
        assert len(saved) == 3
        assert "无附件未保存 1 封" in result.output
        assert any(p.name.startswith("20230110-0930-kjj@wuxi.gov.cn-回复：样板建设总结") for p in saved), [p.name for p in saved]
        assert server.flags() == before  # nothing marked \Seen: BODY.PEEK, EXAMINE
        assert server.count() == 4  # nothing moved or deleted
        (ours,) = [session for session in server.sessions() if any(line.startswith("ID ") for line in session)]
        verbs = [line.split(" ", 1)[0].upper() for line in ours]
        assert verbs[verbs.index("LOGIN") + 1] == "ID"  # RFC 2971, right after LOGIN
        assert "EXAMINE" in verbs and not {"SELECT", "STORE", "EXPUNGE", "MOVE", "COPY", "DELETE"} & set(verbs)
        assert not [line for line in ours if "SEARCH" in line.upper()]  # QQ mail has no SEARCH
        bodies = [line for line in ours if "BODY" in line.upper()]
        assert len(bodies) == 4 and all("BODY.PEEK[]" in line for line in bodies)

        again = run(*fetch_args(server, out))
        assert again.exit_code == 0 and len(list(out.glob("*.eml"))) == 3
        assert "新保存 0 封" in again.output

        server.deliver(plain_mail(ADDRESSES[SCIENCE], "更正版", [("附件2-市科技局-更正.xlsx", filled[SCIENCE].read_bytes())], when=datetime(2023, 1, 11, 8, 0, tzinfo=timezone.utc)))
        later = run(*fetch_args(server, out))
        assert later.exit_code == 0 and "新保存 1 封" in later.output
        assert len(list(out.glob("*.eml"))) == 4

    checked = run("check", str(out), "--format", "json")
    findings = json.loads(checked.stdout)
    assert not [f for f in findings if f["code"] in ("unit-unknown", "unit-conflict", "file-unreadable")], findings
    missing = {f["unit"] for f in findings if f["code"] == "unit-missing"}
    assert not missing & {SCIENCE, FINANCE, COMMERCE}
    from wbtool.pipeline import check_returns

    result = check_returns([out], wuxi)
    senders = {report.unit: report.sender for report in result.files if report.role == "form"}
    assert senders == {unit: ADDRESSES[unit] for unit in (SCIENCE, FINANCE, COMMERCE)}


def test_a_return_that_only_its_sender_names_is_identified_through_the_address_book(tmp_path, filled, wuxi):
    """附件2.xlsx, identity stripped, from the unit's address: only --contacts can tell who sent it."""
    anonymous = returns.strip_identity(filled[COMMERCE], tmp_path / "附件2.xlsx")
    out = tmp_path / "回收材料"
    with imap_server() as server:
        server.deliver(plain_mail(ADDRESSES[COMMERCE].upper(), "Re: 报送材料", [("附件2.xlsx", anonymous.read_bytes())]))
        assert run(*fetch_args(server, out)).exit_code == 0
    without = json.loads(run("check", str(out), "--format", "json").stdout)
    assert "unit-unknown" in {f["code"] for f in without}
    book = contacts_xlsx(tmp_path / "通讯录.xlsx", [("商务局", "孙八", f"other@wuxi.gov.cn，{ADDRESSES[COMMERCE]}", "")])
    found = json.loads(run("check", str(out), "--format", "json", "--contacts", str(book)).stdout)
    assert not {"unit-unknown", "unit-conflict"} & {f["code"] for f in found}, found
    assert COMMERCE not in {f["unit"] for f in found if f["code"] == "unit-missing"}


def test_fetch_since_skips_older_messages(tmp_path):
    out = tmp_path / "回收"
    with imap_server() as server:
        old = datetime(2023, 1, 2, tzinfo=timezone.utc).timestamp()
        new = datetime(2023, 1, 9, tzinfo=timezone.utc).timestamp()
        server.deliver(plain_mail("a@example.cn", "旧", [("旧.zip", b"PK")]), when=old)
        server.deliver(plain_mail("b@example.cn", "新", [("新.zip", b"PK")]), when=new)
        result = run(*fetch_args(server, out, "--since", "2023-01-05"))
    assert result.exit_code == 0, result.output
    assert [p.name.split("-")[2] for p in out.glob("*.eml")] == ["b@example.cn"]


def test_a_new_uidvalidity_rescans_without_saving_twice(tmp_path):
    out = tmp_path / "回收"
    messages = [plain_mail(f"u{i}@example.cn", f"第{i}封", [(f"{i}.zip", b"PK" + bytes([i]))]) for i in range(3)]
    with imap_server() as server:
        for raw in messages[:2]:
            server.deliver(raw)
        assert run(*fetch_args(server, out)).exit_code == 0
    with imap_server() as rebuilt:  # a new mailbox: new UIDVALIDITY, UIDs from 1 again
        for raw in messages:
            rebuilt.deliver(raw)
        result = run(*fetch_args(rebuilt, out))
    assert result.exit_code == 0, result.output
    assert "UIDVALIDITY" in result.output and "新保存 1 封" in result.output and "此前已保存 2 封" in result.output
    assert len(list(out.glob("*.eml"))) == 3


def test_fetch_state_file_is_not_taken_for_a_return(tmp_path):
    out = tmp_path / "回收"
    with imap_server() as server:
        server.deliver(plain_mail("a@example.cn", "x", [("x.zip", b"PK")]))
        assert run(*fetch_args(server, out)).exit_code == 0
    assert (out / mailbox.FETCH_STATE).exists()
    from wbtool.io.collect import collect

    assert all(mailbox.FETCH_STATE not in f.display for f in collect([out]).files)


def test_fetch_wrong_password_exits_2(tmp_path):
    with imap_server() as server:
        result = run(*fetch_args(server, tmp_path / "回收"), env={"WBTOOL_MAIL_PASSWORD": "nope"})
    assert result.exit_code == 2
    assert "拒绝登录" in result.output and "nope" not in result.output


def test_fetch_from_a_missing_folder_exits_2(tmp_path):
    with imap_server() as server:
        result = run(*fetch_args(server, tmp_path / "回收", "--folder", "已发送"))
    assert result.exit_code == 2
    assert "没有文件夹" in result.output


@pytest.mark.parametrize("scheme", ["imap", "imaps"])
def test_fetch_from_a_server_that_hangs_or_refuses_exits_2(tmp_path, scheme):
    with silent_server() as port:
        started = time.monotonic()
        result = run("fetch", "--imap", f"{scheme}://127.0.0.1:{port}", "--user", USER, "--out", str(tmp_path / "r"), "--timeout", "0.5")
        assert time.monotonic() - started < 10
    assert result.exit_code == 2 and "没有响应" in result.output
    result = run("fetch", "--imap", f"imap://127.0.0.1:{closed_port()}", "--user", USER, "--out", str(tmp_path / "r"), "--timeout", "2")
    assert result.exit_code == 2 and "拒绝连接" in result.output


def test_ctrl_c_during_fetch_exits_130(tmp_path, monkeypatch):
    import wbtool.cli.mail as commands

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "fetch_returns", interrupted)
    result = run("fetch", "--imap", "imap://127.0.0.1:1", "--user", USER, "--out", str(tmp_path / "r"))
    assert result.exit_code == 130 and "已中断" in result.output


def test_fetch_says_plain_imap_is_unencrypted(tmp_path):
    with imap_server() as server:
        result = run(*fetch_args(server, tmp_path / "回收"))
    assert result.exit_code == 0 and "不加密" in result.output


# ---------------------------------------------------------------------------
# remind
# ---------------------------------------------------------------------------


def test_remind_writes_to_the_missing_and_to_the_wrong_only(tmp_path, filled, wuxi):
    returns_dir = tmp_path / "回收材料"
    returns_dir.mkdir()
    (returns_dir / f"{SCIENCE}.xlsx").write_bytes(filled[SCIENCE].read_bytes())  # complete
    first = wuxi.tasks_of(FINANCE)[0].no
    returns.fill(filled[FINANCE], {first: "超" * 400}, returns_dir / f"{FINANCE}.xlsx")  # over the limit
    book = contacts_xlsx(
        tmp_path / "通讯录.xlsx",
        [(unit, "联系人", address, "") for unit, address in ADDRESSES.items()],
    )
    out = tmp_path / "催报"
    result = run("remind", str(returns_dir), "--out", str(out), "--contacts", str(book), "--markup", env={})
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.glob("*.eml"))
    assert names == sorted([f"催报-{COMMERCE}.eml", f"退回修改-{FINANCE}.eml"])

    reminder = parse(out / f"催报-{COMMERCE}.eml")
    assert str(reminder["To"]) == ADDRESSES[COMMERCE] and "【催报】" in str(reminder["Subject"])
    assert list(reminder.iter_attachments()) == []

    back = parse(out / f"退回修改-{FINANCE}.eml")
    assert str(back["To"]) == ADDRESSES[FINANCE]
    body = back.get_body(("plain",)).get_content()
    assert f"任务 {first}" in body and "字" in body
    (workbook,) = list(back.iter_attachments())
    assert workbook.get_filename().startswith(f"退回修改-{FINANCE}") and workbook.get_filename().endswith(".xlsx")
    assert workbook.get_content() == next((out / "退回修改工作簿").glob("*.xlsx")).read_bytes()
    # Every other unit with tasks is missing and has no address: listed, not guessed.
    assert "没有邮箱" in result.output


def test_remind_without_markup_only_reminds(tmp_path, filled, wuxi):
    returns_dir = tmp_path / "回收材料"
    returns_dir.mkdir()
    returns.fill(filled[FINANCE], {wuxi.tasks_of(FINANCE)[0].no: "超" * 400}, returns_dir / f"{FINANCE}.xlsx")
    book = contacts_xlsx(tmp_path / "通讯录.xlsx", [(unit, "", address, "") for unit, address in ADDRESSES.items()])
    out = tmp_path / "催报"
    with smtp_server() as server:
        result = run("remind", str(returns_dir), "--out", str(out), "--contacts", str(book), "--smtp", server.url, "--user", USER, "--send", "--interval", "0")
        assert result.exit_code == 0, result.output
        assert sorted(r.recipients[0] for r in server.received) == sorted([ADDRESSES[SCIENCE], ADDRESSES[COMMERCE]])


def test_remind_refuses_an_output_folder_inside_the_returns(tmp_path):
    returns_dir = tmp_path / "回收材料"
    returns_dir.mkdir()
    result = run("remind", str(returns_dir), "--out", str(returns_dir / "催报"), env={})
    assert result.exit_code == 2
    assert "输出文件夹" in result.output

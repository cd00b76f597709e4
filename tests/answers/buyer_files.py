"""Buyers' questionnaires shaped like real ones, generated: a CAIQ-style workbook (control id,
question, Yes/No/NA drop-down, implementation description) with a cover sheet, instructions above
the header, merged section rows, styles, widths and a formula; a SIG Lite-style sheet; a Chinese
tender in DOCX with a requirements table; and a plain CSV."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from prism.demo.answers import workbook

CAIQ_QUESTIONS = [
    ("Audit & Assurance", None),
    ("A&A-01.1", "Are audit and assurance policies established, documented and reviewed yearly?"),
    ("A&A-02.1", "Are independent audit and assurance assessments conducted every year?"),
    ("Cryptography, Encryption & Key Management", None),
    ("CEK-03.1", "Is customer data encrypted at rest?"),
    ("CEK-03.2", "Is data encrypted in transit with current TLS?"),
    ("Identity & Access Management", None),
    ("IAM-14.1", "Do you support single sign-on with SAML for customer users?"),
    ("IAM-16.1", "Do you hold FedRAMP authorization?"),
]


def caiq_xlsx() -> bytes:
    """The CAIQ layout (built as the demo builds a buyer's workbook), with a total under the
    questions that counts the Yes answers by formula."""
    raw = workbook(
        CAIQ_QUESTIONS,
        sheet="CAIQ",
        header=["Question ID", "Question", "CSP CAIQ Answer", "CSP Implementation Description"],
        choices="Yes,No,NA",
        above=[["Answer every question; use the drop-down in column C."],
               ["Vendor: Helio Systems"], []],
        cover=["Consensus Assessments Initiative Questionnaire v4"],
        cover_title="Cover",
    )  # fmt: skip
    book = load_workbook(io.BytesIO(raw))
    sheet = book["CAIQ"]
    last = sheet.max_row
    sheet.cell(row=last + 2, column=2, value="Answered Yes")
    sheet.cell(row=last + 2, column=3, value=f'=COUNTIF(C5:C{last},"Yes")')
    return _saved(book)


def sig_lite_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "SIG Lite"
    sheet.append(["Ques Num", "Question/Request", "Response", "Additional Information"])
    sheet.append(["A.1", "Is there a risk assessment program approved by management?", None, None])
    sheet.append(["A.2", "Do you have a business continuity plan?", None, None])
    sheet.append(["B.1", "Is there an information security policy?", None, None])
    rule = DataValidation(type="list", formula1='"Yes,No,N/A"')
    sheet.add_data_validation(rule)
    rule.add("C2:C4")
    return _saved(book)


def tender_docx() -> bytes:
    document = Document()
    document.add_heading("数据安全服务采购项目 技术要求", level=1)
    document.add_paragraph("投标人须逐条响应以下技术要求。")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ["序号", "技术要求", "是否满足", "说明"], strict=True
    ):
        cell.text = text
    section = table.add_row().cells
    section[0].merge(section[3]).text = "一、数据安全"
    for n, text in (("1", "客户数据是否加密存储？"), ("2", "是否支持单点登录（SAML）？")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = n, text
    document.add_paragraph("投标人签字：")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def paragraph_rfp_docx() -> bytes:
    """An RFP whose questions are paragraphs: numbered, question-marked, in Word's own numbered
    list and in Chinese, answered under an "Answer:" label, in a blank line left for it, or with
    no room left at all; with instructions and a closing line that are not questions."""
    document = Document()
    document.add_heading("Request for proposal: data governance platform", level=1)
    document.add_paragraph("Answer each question below and return this document by 1 March.")
    document.add_heading("1. Security", level=2)
    document.add_paragraph("1.1 Is customer data encrypted at rest?")
    document.add_paragraph("Answer:")
    document.add_paragraph("1.2 Describe your incident response process.")
    document.add_paragraph("")
    document.add_paragraph("Do you support single sign-on with SAML?")
    document.add_heading("2. Company", level=2)
    document.add_paragraph("2.1 Provide three customer references in healthcare.")
    document.add_paragraph("Response: see the attached list.")
    document.add_paragraph("State your support hours and languages", style="List Number")
    document.add_paragraph("二、数据管理")
    document.add_paragraph("（一）请说明数据备份策略。")
    document.add_paragraph("Questions about this RFP go to procurement@buyer.example.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def plain_csv() -> bytes:
    return (
        "\ufeffQuestion,Answer\r\n"
        "Do you support single sign-on?,\r\n"
        '"Do you run penetration tests, and how often?",\r\n'
    ).encode()


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

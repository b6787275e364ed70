"""Build the sample indicator return in samples/指标回收材料/ from a freshly generated form.

Run once from the repository root and commit the result:

    python samples/make_indicator_samples.py

The form is the shipped changzhou-2021 form for 2022 with the demo's batch id
(``wbtool.demo.BATCH``), filled with openpyxl the way units type numbers: plain
numbers, numbers as text (``1.2万``, ``3,000``), and one word (``约100``) that the
check must hold back as ``value-invalid``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import openpyxl

from wbtool import catalogue as catalogues
from wbtool import demo, pipeline

HERE = Path(__file__).resolve().parent
OUT = HERE / demo.INDICATOR_RETURNS
FIRST_ROW, VALUE_COLUMN = 5, 6
TYPED = {
    "1": "1.2万",
    "2.num": 3200, "2.den": "9,800",
    "3.num": 402, "3.den": 415,
    "4.num": 61, "4.den": 415,
    "5.num": 180, "5.den": 236,
    "6.num": 150, "6.den": 236,
    "7": 1, "8": 4, "9": 12, "10": 1, "11": 2, "12": 1, "13": 0, "14": "约100",
    "15": "3,100", "16.num": 1900, "16.den": 3100, "17": 820, "18": 1, "19": 1,
    "20": 0, "21": 0, "22": 1, "23": 0, "24": 0,
}


def main() -> None:
    catalogue, _ = catalogues.load(demo.INDICATOR_CATALOGUE)
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        result = pipeline.generate(catalogue, tmp, batch=demo.BATCH, year=demo.INDICATOR_YEAR)
        for generated in result.files:
            book = openpyxl.load_workbook(generated.path)
            sheet = book["填报表"]
            row = FIRST_ROW
            for indicator in catalogue.indicators:
                for count in indicator.counts:
                    sheet.cell(row, VALUE_COLUMN).value = TYPED[count.key]
                    row += 1
            book.save(OUT / f"{generated.unit}指标完成情况.xlsx")


if __name__ == "__main__":
    main()

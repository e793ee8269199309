"""Import benchmark: 20,000 enterprises from .xlsx, validated and written, against openpyxl.

    python bench/import_exchange.py [--rows N] [--repeat N] [--keep DIR]

Writes an enterprise list like the ones offices receive (a title row merged above the header,
Chinese headers, phones as numbers, USCCs in mixed case, district names and codes, size
labels) with openpyxl, then times, best of N:
  - openpyxl's own read-only pass over it (load_workbook(read_only=True), every value);
  - ImportService.enterprises into a fresh data folder: read (python-calamine), header
    mapping, cell normalisation, reference resolution, validation, matching, and the one
    write transaction with outbox entries and the search index;
and prints both with the ratio import/openpyxl (target: < 1). Not part of the test suite;
always exits 0.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from liaison_app.domain import reference, uscc
from liaison_app.services.store import open_store

HEADERS = [
    "序号", "企业名称", "统一社会信用代码", "所属区县", "行业代码", "规模", "所有制",
    "地址", "法定代表人", "联系人", "职务", "联系电话", "园区", "专精特新", "备注",
]  # fmt: skip


def _uscc(rng: random.Random, district: str) -> str:
    """A code that passes both checks (the check character and GB 11714's), as real ones do."""
    org8 = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    rem = 11 - sum(chars.index(ch) * w for ch, w in zip(org8, weights, strict=True)) % 11
    check = "0" if rem == 11 else "X" if rem == 10 else str(rem)
    return uscc.with_check_character("91" + district + org8 + check)


def make_sheet(path: Path, rows: int, seed: int = 7) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    districts = [d for d in reference.districts() if d.zh != "铁西区"]
    cities = reference.cities()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业名单")
    ws.append(["2026年重点企业包保联络名单"])
    ws.append(HEADERS)
    sizes = ["大型", "中型", "小型", "微型", "small"]
    owners = ["民营", "国有", "外商投资", "股份制", "private"]
    seen: set[str] = set()
    for i in range(rows):
        d = rng.choice(districts)
        district = (
            d.code if i % 3 == 0 else (cities[d.parent or ""][0] + d.zh if i % 3 == 1 else d.zh)
        )
        code = _uscc(rng, d.code)
        while code in seen:
            code = _uscc(rng, d.code)
        seen.add(code)
        ws.append(
            [
                i + 1,
                f"辽宁{rng.choice('华盛金海瑞德兴隆')}{i:05d}机械制造有限公司",
                code.lower() if i % 7 == 0 else code,
                district,
                rng.choice(["C3411", "C", "F5123", "I6510", "制造业"]),
                rng.choice(sizes),
                rng.choice(owners),
                f"{d.zh}工业路{i % 500 + 1}号",
                "张" + rng.choice("伟敏静丽强磊"),
                "李" + rng.choice("娜军洋勇艳杰"),
                rng.choice(["总经理", "财务总监", "办公室主任"]),
                float(13900000000 + i) if i % 2 else f"024-2{i % 10_000_000:07d}",
                rng.choice(["浑南高新区", "经开区", None]),
                rng.choice(["是", "否", None]),
                None if i % 4 else "重点包保",
            ]
        )
    wb.save(path)


def openpyxl_pass(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for _ in row:
                n += 1
    wb.close()
    return n


def import_once(path: Path, folder: Path) -> tuple[float, int]:
    st = open_store(folder)
    try:
        start = time.perf_counter()
        report = st.imports.enterprises(path)
        elapsed = time.perf_counter() - start
        if report.refused:
            print("import refused:", report.errors[:3], file=sys.stderr)
        return elapsed, report.imported
    finally:
        st.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", metavar="DIR", help="keep the sheet and data folders here")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="liaison-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        sheet = work / "enterprises.xlsx"
        t = time.perf_counter()
        make_sheet(sheet, args.rows)
        print(
            f"sheet: {args.rows:,} rows × {len(HEADERS)} columns, "
            f"{sheet.stat().st_size / 2**20:.1f} MB (written in {time.perf_counter() - t:.1f} s)"
        )
        # Interleaved, so a busy machine slows both alike; the best of each counts.
        reads, imports = [], []
        imported = cells = 0
        for n in range(args.repeat):
            t = time.perf_counter()
            cells = openpyxl_pass(sheet)
            reads.append(time.perf_counter() - t)
            folder = work / f"data{n}"
            shutil.rmtree(folder, ignore_errors=True)
            # The schema is created outside the timing: an import goes into an existing folder.
            open_store(folder).close()
            elapsed, imported = import_once(sheet, folder)
            imports.append(elapsed)
            shutil.rmtree(folder, ignore_errors=True)
        best_read, best_import = min(reads), min(imports)
        print(
            f"openpyxl read-only pass: {best_read:.3f} s ({cells:,} cells; best of {args.repeat})"
        )
        print(
            f"import (read+validate+write): {best_import:.3f} s ({imported:,} enterprises; "
            f"{best_import / max(imported, 1) * 1e6:.0f} µs per row; best of {args.repeat})"
        )
        ratio = best_import / best_read
        print(
            f"ratio import/openpyxl: {ratio:.2f} ({'beats' if ratio < 1 else 'slower than'} openpyxl's read)"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

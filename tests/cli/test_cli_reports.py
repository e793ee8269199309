"""`liaison report visit|ledger|stats`: PDFs written, bad input refused with exit 2."""

from __future__ import annotations

import io

from cli_support import db_snapshot
from pypdf import PdfReader


def text_of(path) -> str:
    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_reports_from_the_command(base, tmp_path):
    cli = base.cli
    visit_pdf = tmp_path / "visit.pdf"
    info = cli.json("report", "visit", base.visit, "-o", str(visit_pdf))
    assert info["path"] == str(visit_pdf) and info["pages"] >= 1 and info["warnings"] == []
    assert "沈阳北方重型机械有限公司" in text_of(visit_pdf) and "企业走访记录表" in text_of(
        visit_pdf
    )

    ledger_pdf = tmp_path / "ledger.pdf"
    out, _ = cli("report", "ledger", "--from", "2000-01-01", "--lang", "en", "-o", str(ledger_pdf))
    assert out.strip() == str(ledger_pdf)
    assert "Problem ledger" in text_of(ledger_pdf)

    stats_pdf = tmp_path / "stats.pdf"
    cli("report", "stats", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(stats_pdf))
    assert "按问题类别" in text_of(stats_pdf)


def test_bad_report_requests_exit_2_and_write_nothing(base, tmp_path):
    cli = base.cli
    before = db_snapshot(cli.db_path)
    _, err = cli("report", "visit", "no-such-visit", "-o", str(tmp_path / "x.pdf"), expect=2)
    assert "visit" in err
    _, err = cli("report", "ledger", "-o", str(tmp_path / "missing" / "x.pdf"), expect=2)
    assert "does not exist" in err
    _, err = cli("report", "stats", "--from", "2026-13-01", "-o", str(tmp_path / "s.pdf"), expect=2)
    assert "from" in err
    assert not list(tmp_path.glob("*.pdf")) and db_snapshot(cli.db_path) == before

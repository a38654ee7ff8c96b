"""The consolidated report of the collected forms, made through the kinds engine.

``vanban collect`` checks the filled forms (:mod:`generator.forms.collect`), then
writes three files beside the forms folder: the .xlsx tally, the result as
``tong-hop-bao-cao.json`` (the documented fields a kind may cite, see
:mod:`generator.inputs.collected`) and the báo cáo tổng hợp (.docx), rendered from
the kind ``bao-cao-tong-hop``'s Word template like any other document. The report
cites the notice's number and date when an issued version of it is in the archive.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ..archive.versions import versions
from ..common.files import write_atomic
from ..documents.context import build_context
from ..documents.fastdocx import render_docx
from ..figures.aggregate import sector_total
from ..inputs.collected import Collected as CollectedFile
from ..inputs.folder import COLLECTED_FILE
from ..inputs.headers import COUNT_COLUMNS
from ..kinds.appendices import Declarations
from ..kinds.metadata import METADATA_FILE, load_metadata
from ..kinds.templates import find_kind, resolve
from .collect import ERROR, Collected, collect, find_round, write_reports
from .making import notice_citation
from .register import KEPT_FOLDER
from .sheet import REASONS

REPORT_KIND = "bao-cao-tong-hop"
_NO_UNITS = pd.DataFrame(columns=["don_vi", "cap_hoc", "don_vi_quan_ly", *COUNT_COLUMNS])


def consolidate(folder: Path, today: date | None = None, returned: Path | None = None) -> Collected:
    """Check the returned forms of the round at ``folder``; write the .xlsx, .json and .docx."""
    register, returned = find_round(folder, returned)
    root = register.root
    kind = find_kind(REPORT_KIND)
    metadata = load_metadata(root / KEPT_FOLDER / METADATA_FILE, kind)
    figures = metadata["so_lieu"]
    result = collect(
        folder,
        figures["han_bao_cao"].date(),
        today,
        data_date=figures["thoi_diem"].date(),
        notice=notice_citation(metadata, root),
        returned=returned,
    )
    data = collected_data(result)
    context = report_context(metadata, data, _notice(root, metadata))
    context["van_ban"]["ky_hieu"] = kind.ky_hieu
    template = resolve(root / KEPT_FOLDER, kind.mau_van_ban, kind)  # an edited copy there wins
    properties = {
        "title": f"{kind.ten_loai.capitalize()} {kind.mo_ta}",
        "subject": kind.ky_hieu,
        "author": metadata["co_quan"]["ban_hanh"],
        "comments": "Dự thảo: chưa có số và ngày ban hành.",
        "time": metadata["so_lieu"]["han_bao_cao"],
    }
    document = render_docx(
        template, context, properties, {"vanban.loai": kind.ma, "vanban.mau_nd30": kind.mau_nd30}
    )
    result.outputs = write_reports(result, root, document)
    result_file = root / COLLECTED_FILE
    write_atomic(result_file, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    result.outputs.append(result_file)
    return result


def collected_data(result: Collected) -> dict[str, Any]:
    """The documented fields of collect's result (no names, IDs or birth dates).

    The counts are collect's own (``received``, ``complete``…); reasons keep the form's order.
    """
    by_reason: Counter = Counter()
    for (_, _, _, reason), people in result.tally.items():
        by_reason[reason] += people
    order = [*REASONS, *sorted(set(by_reason) - set(REASONS))]
    data = {
        "da_nhan": result.received,
        "day_du_hop_le": result.complete,
        "chua_nop": [
            {"don_vi_quan_ly": u.office, "don_vi": u.unit} for u in result.units if not u.received
        ],
        "co_loi": [
            {
                "don_vi_quan_ly": u.office,
                "don_vi": u.unit,
                "so_loi": sum(p.level == ERROR for p in u.problems),
            }
            for u in result.units
            if u.received and u.has_errors
        ],
        "so_truong_hop": sum(result.tally.values()),
        "theo_ly_do": [
            {"ly_do": reason, "so_nguoi": by_reason[reason]}
            for reason in order
            if by_reason[reason]
        ],
        "chi_tiet": [
            {"don_vi_quan_ly": o, "don_vi": u, "cap_hoc": lv, "ly_do": r, "so_nguoi": n}
            for (o, u, lv, r), n in sorted(result.tally.items())
        ],
    }
    return CollectedFile.model_validate(data).model_dump()


def report_context(
    metadata: dict[str, Any], data: dict[str, Any], notice: dict[str, Any]
) -> dict[str, Any]:
    """What the report's template sees: the metadata, ``thu_ve`` and ``thong_bao``."""
    context = build_context(metadata, (), sector=sector_total(_NO_UNITS, Declarations({}, ())))
    context["thu_ve"] = data
    context["thong_bao"] = notice
    return context


def _notice(output_folder: Path, metadata: dict[str, Any]) -> dict[str, Any]:
    """The notice's number and date from its latest issued version (blank if none yet)."""
    cited = {
        "so": metadata.get("thong_bao", {}).get("so"),
        "ngay": metadata.get("thong_bao", {}).get("ngay"),
        "ky_hieu": metadata["van_ban"]["ky_hieu"],
    }
    issued = [v for v in versions(output_folder) if v.issued] if output_folder.is_dir() else []
    if issued and cited["so"] is None:
        manifest = issued[-1].manifest
        cited["so"] = manifest.get("so")
        cited["ngay"] = date.fromisoformat(manifest["ngay_ban_hanh"])
        cited["ky_hieu"] = manifest.get("ky_hieu") or cited["ky_hieu"]
    return cited

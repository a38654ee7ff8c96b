"""The ``vanban`` tool commands: PDF, pictures, checks, synthetic data, forms, collect.

Like :mod:`generator.cli`, each command parses its options, calls one library
function and prints the result; errors are turned into messages by ``cli``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .base import DATE, OUTPUT_OPTION, PDF_A_OPTION, command, shown


@command("pdf")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--outdir",
    type=click.Path(path_type=Path),
    default=None,
    help="Thư mục ghi PDF (mặc định: cạnh mỗi tệp .docx).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Số LibreOffice chạy cùng lúc (mặc định: số nhân CPU của máy).",
)
@PDF_A_OPTION
def pdf_command(
    files: tuple[Path, ...], outdir: Path | None, jobs: int | None, pdf_a: bool
) -> None:
    """Chuyển các tệp .docx FILES sang PDF, chia cho nhiều LibreOffice chạy song song."""
    from ..archive.preview import convert_documents

    for pdf in convert_documents(list(files), outdir, jobs=jobs, pdf_a=pdf_a):
        click.echo(f"Đã tạo PDF: {shown(pdf)}")


@command("preview")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dpi", default=60, show_default=True, help="Độ phân giải ảnh.")
def preview_command(file: Path, dpi: int) -> None:
    """Vẽ từng trang của FILE (.docx hoặc .pdf) thành ảnh PNG để xem nhanh."""
    from ..archive.preview import preview

    pages = preview(file, dpi)
    click.echo(f"Đã vẽ {len(pages)} trang vào {shown(pages[0].parent)}")


@command("check")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="In ra dạng JSON cho các chương trình khác.")
def check_command(file: Path, as_json: bool) -> None:
    """Kiểm tra tệp .docx FILE theo thể thức Nghị định 30/2020; mã thoát 0 khi đạt hết."""
    from ..checks.conformance import FAILED, PASSED, UNCLEAR, check_document

    status = {PASSED: "ĐẠT      ", FAILED: "KHÔNG ĐẠT", UNCLEAR: "CHƯA RÕ  "}
    results = check_document(file)
    if as_json:
        records = [
            {"ma": r.id, "quy_tac": r.rule, "trang_thai": r.status, "dat": r.passed,
             "loi": r.failures, "chua_ro": r.unclear}
            for r in results
        ]  # fmt: skip
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        for result in results:
            click.echo(f"{status[result.status]}  {result.rule}")
            for failure in result.failures:
                click.echo(f"           - {failure}")
            for note in result.unclear:
                click.echo(f"           ? {note}")
    failed = sum(not r.passed for r in results)
    if not as_json:
        unclear = sum(r.status == UNCLEAR for r in results)
        summary = f"{sum(r.status == PASSED for r in results)}/{len(results)} quy tắc đạt"
        summary += f", {unclear} chưa rõ (tệp không đủ để xét; xem bản in)." if unclear else "."
        click.echo(summary)
    if failed:
        raise click.exceptions.Exit(1)


@command("check-template")
@click.argument("template", type=click.Path(path_type=Path))
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=Path("data/2023-06-23"),
    show_default=True,
    help="Thư mục số liệu cho biết dữ liệu có những biến nào.",
)
def check_template_command(template: Path, data_dir: Path) -> None:
    """Đối chiếu biến trong mẫu TEMPLATE với dữ liệu, và tìm thẻ bị Word tách rời."""
    from ..documents.template_check import template_report

    report = template_report(template, data_dir)
    _print_list(
        "Mẫu dùng biến mà dữ liệu không có (sẽ báo lỗi khi tạo văn bản):",
        [f"{path}, ở {where}" for path, where in report.unknown],
    )
    _print_list(
        "Thẻ bị Word tách qua nhiều đoạn định dạng (giá trị sẽ lấy định dạng của "
        "phần đầu; gõ lại cả thẻ một lần cho chắc):",
        [f"{tag}, ở {where}" for tag, where in report.split],
    )
    _print_list("Dữ liệu có mà mẫu không dùng:", report.unused)
    if report.ok:
        click.echo("Mẫu dùng được với dữ liệu này.")
    else:
        raise click.exceptions.Exit(3)


def _print_list(title: str, items: list[str]) -> None:
    if items:
        click.echo(title)
        for item in items:
            click.echo(f"  - {item}")


@command("synth")
@click.argument("target", type=click.Path(path_type=Path))
@click.option(
    "--scale",
    default=1.0,
    type=click.FloatRange(min=0, min_open=True, max=50),
    show_default=True,
    help="Tỉ lệ so với bảng của thư mục khuôn (--from; với data/2023-06-23: 1 ≈ 565.000 người).",
)
@click.option("--seed", default=2023, show_default=True, help="Hạt giống ngẫu nhiên.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="Dạng tệp dữ liệu từng người.",
)
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path),
    default=Path("data/2023-06-23"),
    show_default=True,
    help="Thư mục số liệu làm khuôn (số đơn vị, tỉ lệ chưa đồng bộ).",
)
def synth_command(target: Path, scale: float, seed: int, fmt: str, source: Path) -> None:
    """Tạo thư mục TARGET với dữ liệu từng người giả lập (không có ai thật) để thử."""
    from ..inputs.synth import write_synthetic

    path = write_synthetic(target, source, scale, seed, fmt)
    click.echo(f"Đã tạo dữ liệu giả lập: {shown(path)}")
    click.echo(f"  Thử: vanban build {shown(target)}")


@command("forms")
@click.argument("data", type=click.Path(path_type=Path))
@OUTPUT_OPTION
@click.option(
    "--zip", "zip_offices", is_flag=True, help="Nén mỗi đơn vị quản lý thành một tệp .zip."
)
@click.option("--docx", is_flag=True, help="Làm thêm bản .docx của mỗi mẫu.")
def forms_command(data: Path, output: Path, zip_offices: bool, docx: bool) -> None:
    """Làm mẫu báo cáo (.xlsx) cho từng đơn vị có người chưa đồng bộ, từ dữ liệu từng người."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from ..common.vnformat import count
    from ..forms.making import make_forms

    with Progress(
        TextColumn("Đang làm mẫu báo cáo"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("mau", total=None)
        result = make_forms(
            data, output, zip_offices=zip_offices, docx=docx, progress=lambda: bar.advance(task)
        )
    click.echo(
        f"Đã làm {count(result.forms)} mẫu báo cáo cho {count(result.people)} người "
        f"chưa đồng bộ: {shown(result.folder)}"
    )
    for archive in result.zips:
        click.echo(f"  {shown(archive)}")
    click.echo(f"Gửi đi: chỉ thư mục {shown(result.folder)} (hoặc các tệp .zip trong đó).")
    click.echo(f"Lưu tại Sở, không gửi: {shown(result.kept)}")
    click.echo(f"Mẫu đơn vị gửi lại: đặt vào {shown(result.returned)}, rồi chạy")
    click.echo(f"  vanban collect {shown(result.folder.parent)}")


@command("collect")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--hom-nay",
    "today",
    type=DATE,
    default=None,
    help="Coi hôm nay là ngày này khi xét ngày đã qua (mặc định: hôm nay).",
)
@click.option(
    "--nhan-ve",
    "returned",
    type=click.Path(path_type=Path),
    default=None,
    help="Thư mục chứa các mẫu đơn vị gửi lại (mặc định: FOLDER/nhan-ve).",
)
def collect_command(folder: Path, today, returned: Path | None) -> None:
    """Đọc các mẫu đơn vị gửi lại (FOLDER/nhan-ve), chỉ ra chỗ sai, lập báo cáo tổng hợp.

    FOLDER là thư mục kết quả của «vanban forms» (output/<thư mục số liệu>).
    """
    from ..common.vnformat import count
    from ..forms.report import consolidate

    result = consolidate(folder, today.date() if today else None, returned)
    click.echo(
        f"Đã gửi {count(result.sent)} mẫu; đã nhận {count(result.received)}; chưa nộp "
        f"{count(result.missing)}; có lỗi {count(result.with_errors)}; đầy đủ, hợp lệ "
        f"{count(result.complete)}. Đã tổng hợp {count(sum(result.tally.values()))} "
        "trường hợp hợp lệ."
    )
    for unit in result.units:
        if unit.problems or unit.blank:
            click.echo(f"  {unit.unit} ({unit.office}) — {unit.status}:")
        for name in unit.blank:
            click.echo(f"    - {name}: mẫu gửi đi chưa điền (coi như chưa nộp).")
        for problem in unit.problems:
            prefix = "" if problem.level == "Lỗi" else f"{problem.level}: "
            click.echo(f"    - {problem.where()}: {prefix}{problem.message}")
    for problem in result.strays:
        click.echo(f"  {problem.where()}: {problem.message}")
    missing = [u for u in result.units if not u.received]
    if missing:
        click.echo(f"Chưa nộp ({count(len(missing))}):")
        for unit in missing:
            click.echo(f"  - {unit.unit} ({unit.office})")
    for path in result.outputs:
        click.echo(f"Đã ghi: {shown(path)}")

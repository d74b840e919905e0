"""Files that cannot be read are refused with a clear message, before their content costs memory."""

import io
import tracemalloc
import zipfile

import pytest

from planboard.transfer.exports import csv_lines, kind_sheets, write_xlsx
from planboard.transfer.imports import import_file
from planboard.transfer.problems import FileRefused, ImportRefused
from tests.transfer.helpers import UPDATE_HEADER, csv_upload, xlsx_upload

MB = 1024 * 1024


def refusal(upload, user, name=None, kind="updates") -> str:
    with pytest.raises(FileRefused) as caught:
        import_file(kind=kind, upload=upload, filename=name or upload.name, user=user)
    return str(caught.value)


def zip_bomb(member_bytes: int) -> io.BytesIO:
    """A real workbook plus one member of zeros: tiny on disk, `member_bytes` once inflated."""
    real = xlsx_upload({"Status updates": [UPDATE_HEADER]})
    bomb = io.BytesIO()
    with zipfile.ZipFile(real) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with target.open("xl/media/padding.bin", "w") as padding:
            chunk = bytes(MB)
            for _ in range(member_bytes // MB):
                padding.write(chunk)
    bomb.seek(0)
    bomb.name = "bomb.xlsx"
    return bomb


def test_a_zip_bomb_is_refused_from_its_declared_size_without_inflating_it(owner, settings):
    settings.TRANSFER_MAX_UNCOMPRESSED_BYTES = 16 * MB
    bomb = zip_bomb(64 * MB)  # 64 MB of zeros deflate to about 64 KB
    assert len(bomb.getvalue()) < MB

    tracemalloc.start()
    try:
        message = refusal(bomb, owner)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert message == "The .xlsx file would expand to 64 MB; the limit is 16 MB. It was not opened."
    # Inflating the member would take 64 MB; reading only the zip directory stays far below 2 MB.
    assert peak < 2 * MB


def test_a_member_compressed_far_beyond_a_real_workbook_is_refused(owner, settings):
    settings.TRANSFER_MAX_UNCOMPRESSED_BYTES = 100 * MB
    settings.TRANSFER_MAX_COMPRESSION_RATIO = 100

    message = refusal(zip_bomb(8 * MB), owner)

    # 8 MB of zeros deflate about 1000 to 1, ten times the limit.
    assert "part xl/media/padding.bin is compressed" in message and "beyond the 100 to 1" in message


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(owner, settings):
    settings.TRANSFER_MAX_UPLOAD_BYTES = 2 * MB
    upload = csv_upload([UPDATE_HEADER] + [["stp", "PD-1", "2024-01-01", "on_track", 1, "x" * 1000]] * 2200)

    tracemalloc.start()
    try:
        message = refusal(upload, owner)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    # 2,200 rows of 1,033 bytes (1,000 x's, 31 other characters, CRLF) plus a 56-byte header:
    # 2,272,656 bytes = 2.17 MB.
    assert message == "The file is 2.2 MB; the largest file accepted is 2.0 MB. Split it into smaller files."
    assert peak < MB  # no row was parsed


@pytest.mark.parametrize(
    "name, content, expected",
    [
        (
            "plan.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
            "Planboard cannot read .xls files; save the file as .xlsx",
        ),
        ("notes.txt", b"plan,initiative\n", "“notes.txt” is not a spreadsheet Planboard reads"),
        ("updates.csv", b"PK\x03\x04" + bytes(100), "is named .csv but is an Excel workbook"),
        ("updates.xlsx", b"plan,initiative\nstp,PD-1\n", "is named .xlsx but is not an Excel workbook"),
        ("empty.csv", b"", "The file is empty."),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(owner, name, content, expected):
    assert expected in refusal(io.BytesIO(content), owner, name)


def test_a_damaged_workbook_is_refused(owner):
    whole = xlsx_upload({"Status updates": [UPDATE_HEADER]}).getvalue()

    truncated = refusal(io.BytesIO(whole[: len(whole) // 2]), owner, "cut.xlsx")
    not_a_workbook = io.BytesIO()
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("readme.txt", "hello")
    hollow = refusal(not_a_workbook, owner, "hollow.xlsx")

    assert truncated == hollow == "The .xlsx file is damaged and cannot be opened; save it again from Excel."


def test_a_csv_that_is_not_utf8_is_refused_with_the_excel_choice_to_make(owner):
    row = "\nstp,PD-1,2024-01-01,on_track,5,Caf\xe9\n"
    upload = io.BytesIO(",".join(UPDATE_HEADER).encode() + row.encode("cp1252"))

    assert "not UTF-8 text; in Excel choose “CSV UTF-8 (Comma delimited)”" in refusal(upload, owner, "u.csv")


def test_a_file_with_more_rows_than_allowed_is_refused(owner, settings, initiatives):
    settings.TRANSFER_MAX_ROWS = 3
    upload = csv_upload([UPDATE_HEADER] + [["stp", f"PD-{n}", "2024-01-01", "on_track", 5, ""] for n in range(1, 5)])

    assert refusal(upload, owner) == "The file has more than 3 rows; split it into files of at most 3 rows."


def test_a_missing_required_column_and_an_unknown_column_are_both_listed(owner):
    header = [name for name in UPDATE_HEADER if name != "status"] + ["percent"]
    upload = csv_upload([header, ["stp", "PD-1", "2024-01-01", 5, "", 5]])

    with pytest.raises(ImportRefused) as caught:
        import_file(kind="updates", upload=upload, filename="u.csv", user=owner)

    found = [(p.row, p.column, p.rule[:30]) for p in caught.value.problems]
    assert (1, "status", "The required column “status” i") in found
    assert (1, "percent", "Unknown column; the columns ar") in found


@pytest.mark.parametrize("kind", ["plan", "updates", "readings"])
def test_the_blank_templates_import_cleanly_and_carry_instructions(owner, kind):
    from openpyxl import load_workbook

    workbook = io.BytesIO()
    write_xlsx(kind, kind_sheets(kind, None), workbook)
    blank_csv = io.BytesIO("".join(csv_lines(kind, kind_sheets(kind, None))).encode("utf-8"))

    sheets = load_workbook(io.BytesIO(workbook.getvalue()), read_only=True).sheetnames
    assert sheets[0] == "Instructions"
    if kind == "plan":
        with pytest.raises(ImportRefused) as caught:  # a plan needs its one Plan row
            import_file(kind=kind, upload=workbook, filename="t.xlsx", user=owner)
        assert [p.rule for p in caught.value.problems] == ["The Plan sheet needs exactly one row; it has 0."]
    else:
        for upload, name in ((workbook, "t.xlsx"), (blank_csv, "t.csv")):
            upload.seek(0)
            result = import_file(kind=kind, upload=upload, filename=name, user=owner)
            assert (result.outcome.created, result.outcome.unchanged) == (0, 0)

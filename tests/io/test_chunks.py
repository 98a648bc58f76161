"""Reading an incident file in chunks gives what one read of the whole file gives; parts written whole."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jru_geo.errors import OutputFileError
from jru_geo.io._chunks import incident_sources, iter_chunks, plan_split
from jru_geo.io._csv import write_csv_parts, write_csvs
from jru_geo.io.incidents import read_incidents

HEADER = "incident_id,datetime,category,easting,northing,notes"
GOOD = "7,2025-01-03 18:30,RTC,551000,150000,ok"


def _write(tmp_path, text: str | bytes, name: str = "cad.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _read_all(sources) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """Incidents (without geometry, plus x, y), originals, rejects and rows read, over every source."""
    results = [read_incidents(source) for source in sources]
    incidents = pd.concat(
        [
            pd.DataFrame(r.incidents.drop(columns="geometry")).assign(
                x=r.incidents.geometry.x, y=r.incidents.geometry.y
            )
            for r in results
        ],
        ignore_index=True,
    )
    originals = pd.concat([r.originals for r in results], ignore_index=True)
    rejects = pd.concat([r.rejects for r in results], ignore_index=True)
    return incidents, originals, rejects, sum(r.n_read for r in results)


def _assert_same(chunked, whole) -> None:
    for got, want in zip(chunked[:3], whole[:3], strict=True):
        pd.testing.assert_frame_equal(got, want, check_dtype=False, check_index_type=False)
    assert chunked[3] == whole[3]


def test_a_plain_file_is_split_and_keeps_its_row_numbers(tmp_path):
    path = _write(
        tmp_path, "\n\n" + HEADER + "\n" + "\n".join([GOOD, "8,2025-01-03,RTC,,,", GOOD, "", GOOD]) + "\n"
    )
    plan = plan_split(path, chunk_rows=2)
    assert (plan.header, plan.header_line, plan.lines, plan.split) == (HEADER, 3, 8, True)
    chunks = list(iter_chunks(plan))
    assert len(chunks) == 3 and all(name == "cad.csv" for name, _ in chunks)
    got = _read_all(chunks)
    assert got[2]["row"].tolist() == [5]  # the row without coordinates, line 5 of the file
    assert got[0]["row"].tolist() == [4, 6, 8]
    _assert_same(got, _read_all([path]))


def test_rows_without_an_id_keep_the_id_made_up_from_their_row(tmp_path):
    path = _write(tmp_path, "datetime,category,easting,northing\n" + "2025-01-03,RTC,551000,150000\n" * 5)
    got = _read_all(iter_chunks(plan_split(path, chunk_rows=2)))
    assert got[0]["incident_id"].tolist() == [f"cad.csv#{row}" for row in range(2, 7)]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (HEADER + '\n1,2025-01-03,RTC,551000,150000,"two\nlines"\n' + GOOD + "\n", "a field over two lines"),
        (HEADER + '\n1,2025-01-03,RTC,551000,150000,5 o"clock\n' + GOOD + "\n", "a stray quote"),
        (HEADER + "\r" + GOOD + "\r" + GOOD + "\r", "bare carriage returns"),
        ("\ufeff\n" + HEADER + "\n" + GOOD + "\n" + GOOD + "\n", "a byte-order mark on an empty line"),
        (",,,\n" + HEADER + "\n" + GOOD + "\n" + GOOD + "\n", "a line of empty fields before the header"),
        ("\n\n", "no header"),
    ],
)
def test_files_whose_lines_might_read_differently_alone_are_read_whole(tmp_path, text, why):
    path = _write(tmp_path, text)
    plan = plan_split(path, chunk_rows=1)
    assert plan.header is None and not plan.split, why
    assert list(iter_chunks(plan)) == [path]


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfei\x00d\x00\n\x00", b"PK\x03\x04\x00\x00binary\n1\n2\n"],
    ids=["utf16", "binary"],
)
def test_files_the_reader_refuses_are_left_to_the_reader(tmp_path, data):
    path = _write(tmp_path, data)
    assert list(iter_chunks(plan_split(path, chunk_rows=1))) == [path]
    assert plan_split(tmp_path / "missing.csv").header is None


def test_a_windows_1252_file_is_read_as_windows_1252_in_every_chunk(tmp_path):
    # the first chunk alone is valid UTF-8 ("Ã©" is two cp1252 bytes), the last chunk is not
    text = HEADER + "\n" + GOOD.replace("ok", "Ã©") + "\n" + GOOD + "\n" + GOOD.replace("ok", "café") + "\n"
    path = _write(tmp_path, text.encode("cp1252"))
    plan = plan_split(path, chunk_rows=1)
    assert plan.encoding == "cp1252" and plan.split
    got = _read_all(iter_chunks(plan))
    assert got[1]["notes"].tolist() == ["Ã©", "ok", "café"]
    _assert_same(got, _read_all([path]))


def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path):
    path = _write(tmp_path, "\ufeff" + HEADER + "\r\n" + GOOD + "\r\n" + GOOD + "\r\n")
    plan = plan_split(path, chunk_rows=1)
    assert plan.header == HEADER and plan.split
    _assert_same(_read_all(iter_chunks(plan)), _read_all([path]))


def test_a_small_file_is_one_read_of_its_path(tmp_path):
    path = _write(tmp_path, HEADER + "\n" + GOOD + "\n")
    plan = plan_split(path, chunk_rows=1)
    assert plan.header == HEADER and not plan.split
    assert list(iter_chunks(plan)) == [path]
    with pytest.raises(ValueError, match="at least 1"):
        plan_split(path, chunk_rows=0)


def test_files_with_one_header_are_read_in_turn_others_together(tmp_path):
    a = _write(tmp_path, HEADER + "\n" + GOOD + "\n" + GOOD + "\n", "a.csv")
    b = _write(tmp_path, HEADER + "\n" + GOOD + "\n", "b.csv")
    other = _write(
        tmp_path, "id,datetime,category,easting,northing\n1,2025-01-01,RTC,551000,150000\n", "c.csv"
    )
    sources = list(incident_sources([a, b], chunk_rows=1))
    assert [s if not isinstance(s, tuple) else s[0] for s in sources] == ["a.csv", "a.csv", b]
    _assert_same(_read_all(sources), _read_all([[a, b]]))
    assert list(incident_sources([a, other], chunk_rows=1)) == [[a, other]]


_LINES = st.sampled_from(
    [
        GOOD,
        "",
        ",,,,,",
        "8,2025-01-03 18:30,RTC,,,",
        "9,2025-02-30 10:00,RTC,551000,150000,bad date",
        ",2025-01-03 18:30,RTC,551000,150000,no id",
        "10,2025-01-03 18:30,RTC,551000,150000,too,many,fields",
        "11,2025-01-03",
        '12,2025-01-03 18:30,"Mental, health",551000,150000,"say ""hi"""',
        "13,2025-01-03 18:30,=HYPERLINK(1),551000,150000,formula",
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINES, min_size=1, max_size=25), chunk_rows=st.integers(1, 6), crlf=st.booleans())
def test_chunks_read_as_the_whole_file_reads(tmp_path, lines, chunk_rows, crlf):
    end = "\r\n" if crlf else "\n"
    path = _write(tmp_path, HEADER + end + end.join(lines) + end)
    plan = plan_split(path, chunk_rows=chunk_rows)
    got = _read_all(iter_chunks(plan))
    whole = _read_all([path])
    _assert_same(got, whole)
    assert whole[3] == len(whole[0]) + len(whole[2])


def test_parts_are_written_as_one_table_would_be(tmp_path):
    frames = [pd.DataFrame({"a": [f"=x{i}", "b"], "n": [i, 2.5], "t": [True, None]}) for i in range(3)]
    frames.append(frames[0].iloc[:0])
    frames.append(frames[1].iloc[:1])  # a one-row part
    write_csv_parts([tmp_path / "parts.csv"], ([f] for f in frames))
    write_csvs({tmp_path / "whole.csv": pd.concat(frames, ignore_index=True)})
    assert (tmp_path / "parts.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()


def test_parts_are_written_all_or_nothing(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("before\n")

    def parts():
        yield [pd.DataFrame({"a": [1]})]
        yield [pd.DataFrame({"b": [1]})]

    with pytest.raises(OutputFileError, match="columns"):
        write_csv_parts([out], parts())
    with pytest.raises(OutputFileError, match="nothing to write"):
        write_csv_parts([out], iter([]))
    assert out.read_text() == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    with pytest.raises(OutputFileError, match="does not exist"):
        write_csv_parts([tmp_path / "missing" / "x.csv"], iter([[pd.DataFrame({"a": [1]})]]))

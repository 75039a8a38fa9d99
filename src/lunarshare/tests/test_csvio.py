"""The one CSV module: hostile files are refused with a short message naming the line; exports
never hand a spreadsheet a formula."""

import csv
import io

import pytest

from lunarshare import csvio


def rows(data, **limits):
    return list(csvio.read_rows(data, **limits))


def refusal(data, **limits) -> csvio.CsvRejected:
    with pytest.raises(csvio.CsvRejected) as refused:
        rows(data, **limits)
    return refused.value


class TestReading:
    def test_it_reads_utf8_with_a_bom_and_numbers_the_lines(self):
        data = "\ufeffa,b\n1,\"two\nlines\"\n3,月\n".encode()
        assert rows(data) == [(1, ["a", "b"]), (3, ["1", "two\nlines"]), (4, ["3", "月"])]

    def test_invalid_utf8_names_the_line_and_the_byte(self):
        error = refusal(b"a,b\n1,2\n3,\xff\n")
        assert error.line == 3 and "0xFF" in str(error) and str(error).startswith("Line 3:")

    def test_a_nul_byte_is_refused_with_its_line(self):
        error = refusal(b"a,b\n1,x\x00y\n")
        assert error.line == 2 and "NUL" in str(error)

    def test_a_field_over_the_limit_is_refused_and_the_message_stays_short(self):
        error = refusal(b"a,b\n1," + b"x" * 200_000 + b"\n", max_field_chars=10_000)
        assert error.line == 2 and "10000 characters" in str(error) and len(str(error)) < 200

    def test_a_quoted_field_running_over_many_lines_is_refused(self):
        error = refusal(b'a,b\n1,"' + b"x\n" * 100_000 + b'"\n')
        assert "characters" in str(error) and len(str(error)) < 200

    def test_too_many_columns_are_refused_without_echoing_them(self):
        error = refusal(b",".join([b"c"] * 1_000_000) + b"\n", max_line_bytes=4 * 1024 * 1024)
        assert error.line == 1 and "1000000 fields" in str(error) and len(str(error)) < 200

    def test_an_overlong_line_is_refused_before_it_is_parsed(self):
        error = refusal(b"a" * 3_000_000 + b"\n")
        assert error.line == 1 and "longer than 1 MB" in str(error)

    def test_the_byte_limit_holds_while_streaming(self):
        class Endless(io.RawIOBase):
            read_total = 0

            def readline(self, size=-1):
                self.read_total += 100
                return b"1,2,3," + b"x" * 93 + b"\n"

        source = Endless()
        error = refusal(source, max_bytes=10_000)
        assert "larger than" in str(error) and source.read_total <= 10_100

    def test_text_and_bytes_are_read_alike(self):
        assert rows("a\n1\n") == rows(b"a\n1\n")


class TestWriting:
    @pytest.mark.parametrize("cell", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "-SUM(A1)",
                                      '=HYPERLINK("http://evil.example")'])
    def test_formula_cells_get_a_quote(self, cell):
        assert csvio.safe_cell(cell) == "'" + cell

    @pytest.mark.parametrize("cell", [-12, -3.5, "-12", "-0.25", "+3", "-1.2e-3", "12022", "TiO2", "", None])
    def test_numbers_and_plain_text_stay_as_they_are(self, cell):
        assert csvio.safe_cell(cell) == cell

    def test_the_writer_neutralises_every_row(self):
        buffer = io.StringIO()
        csvio.writer(buffer, lineterminator="\n").writerows([["=cmd|' /C calc'!A0", -5, "ok"]])
        assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["'=cmd|' /C calc'!A0", "-5", "ok"]]


def test_read_dicts_reads_like_dictreader_with_the_same_checks():
    assert list(csvio.read_dicts(b"a,b\n1,2\n3\n\n")) == [{"a": "1", "b": "2"}, {"a": "3", "b": ""}]
    with pytest.raises(csvio.CsvRejected):
        list(csvio.read_dicts(b"a,b\n1,\xff\n"))

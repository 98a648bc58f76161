"""The rejects as a person reads them: summarised by reason, file/row/reason first, a template to fill."""

from __future__ import annotations

import pandas as pd

from jru_geo.io.incidents import read_incidents
from jru_geo.io.rejects import generic_template_csv, rejects_for_reading, summarise_rejects


def test_reasons_are_counted_with_the_rows_values_blanked():
    rejects = pd.DataFrame(
        {
            "Crime ID": ["h1", "h2", "h3", "h4"],
            "file": ["a.csv", "a.csv", "b.csv", "b.csv"],
            "row": [4, 7, 2, 9],
            "reason": [
                "latitude '51,3964' is not a number: a decimal comma? use a point",
                "no coordinates: give latitude and longitude",
                "latitude '51,40' is not a number: a decimal comma? use a point",
                "latitude '51,41' is not a number: a decimal comma? use a point",
            ],
        }
    )
    summary = summarise_rejects(rejects)
    assert summary["rows"].tolist() == [3, 1]
    assert summary["reason"].iloc[0] == "latitude '…' is not a number: a decimal comma? use a point"
    assert (summary["first_file"].iloc[0], summary["first_row"].iloc[0]) == ("a.csv", 4)
    assert list(rejects_for_reading(rejects).columns) == ["file", "row", "reason", "Crime ID"]
    assert summarise_rejects(rejects.iloc[:0]).empty


def test_the_template_reads_cleanly():
    result = read_incidents([("template.csv", generic_template_csv())])
    assert len(result.incidents) == 2 and len(result.rejects) == 0

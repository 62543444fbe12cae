"""An OGPU-style numbered report (written for this test, not a seed): ingest it, read its claims."""

from __future__ import annotations

from opis.ingest import ingest_file
from opis.store.claims import list_claims
from opis.timeline import timeline

REPORT = """March 12, 1934

Report of the Plenipotentiary Representative of the OGPU in Kazakhstan to the Central Committee

Top Secret
Copy No. 2
No. 01872/s

To Comrade Goloshchekin

1. During January–February 1934, border detachments of the district detained 312 violators of the border, of whom 47 were armed. In addition, 18 caravans carrying contraband worth about 64,000 rubles were intercepted.

2. On the night of 3–4 February a band of up to 120 riders crossed from the Chinese side near the Khorgos post and drove off nearly 2,000 head of sheep belonging to the "Kyzyl-Tu" collective farm. In the clash 7 bandits were killed and 2 border guards wounded.

3. According to the district executive committee, since autumn 1933 more than 600 households have left the Panfilov district for Xinjiang.

(TsGA RK, f. 5, op. 2, d. 118, ll. 3–5.)

Page 2 of 3

Deputy PP OGPU
[signature illegible]
"""


def test_numbered_report(store, tmp_path):
    path = tmp_path / "ogpu_report_1934.txt"
    path.write_text(REPORT, encoding="utf-8")
    assert ingest_file(store, str(path)).status == "added"
    claims = {c["value"]: c for c in list_claims(store)}
    # every figure of the report, nothing from the copy/document numbers, the signature or the page line
    assert set(claims) == {312, 47, 18, 64000, 120, 2000, 7, 2, 600}
    assert claims[312]["date"]["edtf"] == "1934-01/1934-02" and "detained" in claims[312]["what"]
    assert claims[47]["what"].startswith("violators")
    assert claims[64000]["unit"] == "rubles" and claims[64000]["qualifier"] == "approximately"
    assert "contraband" in claims[64000]["what"]
    assert claims[120]["qualifier"] == "up to" and claims[120]["date"]["edtf"] == "1934-02-03/1934-02-04"
    assert claims[2000]["qualifier"] == "nearly" and "sheep" in claims[2000]["what"]
    assert "killed" in claims[7]["what"] and "wounded" in claims[2]["what"]
    assert claims[600]["qualifier"] == "over" and claims[600]["date"]["edtf"] == "1933-23"
    assert claims[600]["reported_by"] == "district executive committee"
    items = timeline(store, "1934-02", "1934-02")
    assert any(i["kind"] == "event" and i["date"]["edtf"] == "1934-02-03/1934-02-04" for i in items)

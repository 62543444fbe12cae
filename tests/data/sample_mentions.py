"""Draw the random sample of stored entity mentions that ``entities_judged_dev.tsv`` judges.

Usage (from the repository root, after ``opis ingest <dev pages> --db DB``)::

    python tests/data/sample_mentions.py DB [--seed 21] [--n 100] [--like %/dev/%] > sample.tsv

Every PERSON/PLACE/ORG/UNIT row of the ``mentions`` table whose document path matches ``--like``
is a candidate, in a stable order (path, note, span, surface); ``random.Random(seed).sample``
picks ``n``. The TSV has an empty ``judgement`` column (``right``/``wrong``) and ``why`` for the
reader to fill: a mention is right when its words are a name of that type and its entity (label,
country) is the one the text means, or an unresolved collection entity of the right type.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--like", default="%/dev/%")
    a = ap.parse_args()
    con = sqlite3.connect(a.db)
    rows = con.execute(
        """select d.path, m.type, m.surface, m.entity_id, coalesce(e.label, ''), coalesce(e.country, ''),
                  m.source, coalesce(m.note, ''), coalesce(m.span_start, ''), coalesce(m.context, '')
           from mentions m join documents d on d.id = m.doc_id left join entities e on e.id = m.entity_id
           where d.path like ? and m.type in ('PERSON', 'PLACE', 'ORG', 'UNIT')
           order by d.path, m.note, m.span_start, m.surface""", (a.like,)).fetchall()
    pick = random.Random(a.seed).sample(rows, min(a.n, len(rows)))
    out = sys.stdout
    out.write("n\tfile\ttype\tsurface\tentity_id\tlabel\tcountry\tsource\tnote\tstart\tcontext\tjudgement\twhy\n")
    for k, r in enumerate(pick, 1):
        cells = [str(k), r[0].rsplit("/", 1)[-1]] + [str(x).replace("\t", " ").replace("\n", " ") for x in r[1:]]
        out.write("\t".join(cells) + "\t\t\n")


if __name__ == "__main__":
    main()

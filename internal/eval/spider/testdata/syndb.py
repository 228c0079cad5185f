# Builds Spider-format data with synthetic rows for timing `sqlforge eval` against the official
# evaluator: OUT/tables.json (this directory's), OUT/dev.json (the 1,034 items of gold_example.txt,
# questions left as placeholders) and OUT/database/<db_id>/<db_id>.sqlite, one table per tables.json
# table, number columns REAL and the others TEXT, 12 seeded rows of small values so that joins and
# filters find matches. Usage: python3 syndb.py OUT
import json, os, random, sqlite3, sys

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1]
tables = json.load(open(os.path.join(here, 'tables.json')))
rng = random.Random(16)
words = ['a', 'b', 'c', 'cat', 'dog', 'Dutch', 'English', '1', '4']
for e in tables:
    db = e['db_id']
    d = os.path.join(out, 'database', db)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, db + '.sqlite')
    if os.path.exists(path):
        os.remove(path)
    con = sqlite3.connect(path)
    for ti, t in enumerate(e['table_names_original']):
        if t.lower() == 'sqlite_sequence':  # SQLite's own (an AUTOINCREMENT table's), listed by tables.json
            continue
        cols = [(c, e['column_types'][ci]) for ci, (tj, c) in enumerate(e['column_names_original']) if tj == ti]
        decl = ', '.join('"%s" %s' % (c, 'REAL' if ty == 'number' else 'TEXT') for c, ty in cols)
        con.execute('CREATE TABLE "%s" (%s)' % (t, decl))
        for _ in range(12):
            row = [float(rng.randint(1, 12)) if ty == 'number' else rng.choice(words) for _, ty in cols]
            con.execute('INSERT INTO "%s" VALUES (%s)' % (t, ','.join('?' * len(cols))), row)
    con.commit()
    con.close()
dev = []
for i, line in enumerate(open(os.path.join(here, 'gold_example.txt'))):
    if line.strip():
        q, db = line.rstrip('\n').split('\t')
        dev.append({'db_id': db, 'query': q, 'question': 'question %d' % i})
json.dump(dev, open(os.path.join(out, 'dev.json'), 'w'), indent=1)
json.dump(tables, open(os.path.join(out, 'tables.json'), 'w'))

# OUT/syndb.sql.gz: the same databases as one text dump ("-- database: NAME" before each), the form
# shipped in this directory for internal/eval's TestSpiderExecutionVerdicts.
import gzip
lines = []
for e in tables:
    db = e['db_id']
    con = sqlite3.connect(os.path.join(out, 'database', db, db + '.sqlite'))
    lines.append('-- database: %s' % db)
    lines.extend(l for l in con.iterdump() if l not in ('BEGIN TRANSACTION;', 'COMMIT;'))
    con.close()
with gzip.GzipFile(os.path.join(out, 'syndb.sql.gz'), 'wb', mtime=0) as f:
    f.write(('\n'.join(lines) + '\n').encode())

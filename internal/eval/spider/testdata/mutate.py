# Writes the mutated predictions of mutations_pred.txt.gz: 17 edits of every gold query of
# gold_example.txt, in this order, one line each (gold i*17+k is gold_example.txt line i).
import re, sys
g = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
muts = [lambda s: s.upper(), lambda s: re.sub(r'\s*=\s*', '=', s), lambda s: s.replace('DESC', 'ASC'), lambda s: s.replace('DISTINCT ', ''),
        lambda s: re.sub(r'LIMIT \d+', 'LIMIT 3', s), lambda s: s.replace('T1.', ''), lambda s: s.replace('!=', '<>'), lambda s: s + ' ;',
        lambda s: s.replace('count(*)', 'count(DISTINCT *)'), lambda s: s.replace(' AND ', ' OR '), lambda s: s.replace('T2.', 'T1.'),
        lambda s: s.replace('JOIN', 'join').replace(' ON ', ' on '), lambda s: re.sub(r'"[^"]*"', "'x'", s), lambda s: s.replace(' IN (', ' NOT IN ('),
        lambda s: s.replace('>', '>='), lambda s: s.replace('avg', 'sum'), lambda s: s.replace('(SELECT', '(SELECT DISTINCT')]
for q, db in g:
    for m in muts:
        print(m(q).replace('\t', ' '))

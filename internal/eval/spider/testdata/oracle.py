# Runs test-suite-sql-eval's own functions item by item; schema from tables.json.
import json, sys
import nltk
import process_sql
process_sql.word_tokenize = lambda s: nltk.word_tokenize(s, preserve_line=True)
import evaluation as ev
from process_sql import Schema, get_sql

gold_path, pred_path, tables_path = sys.argv[1:4]
with_values = len(sys.argv) > 4 and sys.argv[4] == 'values'
if with_values:
    ev.DISABLE_VALUE = False
tables = {e['db_id']: e for e in json.load(open(tables_path))}
kmaps = {k: ev.build_foreign_key_map(e) for k, e in tables.items()}
def schema_of(e):
    s = {}
    for t in e['table_names_original']:
        s[t.lower()] = []
    for ti, c in e['column_names_original']:
        if ti >= 0:
            s[e['table_names_original'][ti].lower()].append(c.lower())
    return Schema(s)
schemas = {k: schema_of(e) for k, e in tables.items()}
golds = [l.strip().split('\t') for l in open(gold_path) if l.strip()]
preds = [l.strip().split('\t') for l in open(pred_path) if l.strip()]
evaluator = ev.Evaluator()
EMPTY = {"except": None, "from": {"conds": [], "table_units": []}, "groupBy": [], "having": [], "intersect": None, "limit": None, "orderBy": [], "select": [False, []], "union": None, "where": []}
import copy
for i, (g, p) in enumerate(zip(golds, preds)):
    g_str, db = g
    p_str = p[0].replace("value", "1")
    schema = schemas[db]
    out = {"i": i}
    try:
        g_sql = get_sql(schema, g_str)
    except Exception as e:
        out["gold_error"] = repr(e)
        print(json.dumps(out)); continue
    out["hardness"] = evaluator.eval_hardness(g_sql)
    try:
        p_sql = get_sql(schema, p_str)
    except Exception:
        p_sql = copy.deepcopy(EMPTY); out["pred_error"] = True
    kmap = kmaps[db]
    try:
        gv = ev.build_valid_col_units(g_sql['from']['table_units'], schema)
        g_sql = ev.rebuild_sql_val(g_sql); g_sql = ev.rebuild_sql_col(gv, g_sql, kmap)
        pv = ev.build_valid_col_units(p_sql['from']['table_units'], schema)
        p_sql = ev.rebuild_sql_val(p_sql); p_sql = ev.rebuild_sql_col(pv, p_sql, kmap)
        out["exact"] = bool(evaluator.eval_exact_match(p_sql, g_sql))
    except Exception as e:
        out["exact_error"] = repr(e)
    print(json.dumps(out))

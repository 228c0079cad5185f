#!/usr/bin/env python3
"""Runs every distinct gold query of sqlforge records on a BigQuery REST server and checks it.

An independent client for `sqlforge gen --db bigquery://...` output: Python's standard library
speaking the BigQuery REST API (jobs.query) directly, not sqlforge's Go code or the Go client
library. Each distinct SQL must run, return at least one row, and return as many rows as the
records say (their "rows" field). Exit status 1 if any query fails a check.

    python3 tools/bqcheck/bqcheck.py --endpoint http://127.0.0.1:59050 \
        --project sqlforge-test --dataset northwind OUT/train.jsonl OUT/test.jsonl OUT/inference.jsonl

The default dataset is set on each query, as sqlforge's generated SQL names tables unqualified.
Without --endpoint it needs a token for the real service: --token or $BIGQUERY_TOKEN
(e.g. `gcloud auth print-access-token`); the token is never printed.
"""
import argparse
import json
import os
import sys
import urllib.error
import urllib.request


def run(endpoint, project, dataset, sql, token, timeout):
    url = f"{endpoint}/bigquery/v2/projects/{project}/queries"
    body = {"query": sql, "useLegacySql": False, "timeoutMs": timeout * 1000,
            "defaultDataset": {"projectId": project, "datasetId": dataset}}
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout + 30) as r:
            ans = json.load(r)
    except urllib.error.HTTPError as e:
        detail = e.read().decode(errors="replace")
        try:
            detail = json.loads(detail)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            pass
        return None, f"HTTP {e.code}: {detail}"
    if not ans.get("jobComplete", False):
        return None, "job not complete within the timeout"
    return int(ans.get("totalRows", len(ans.get("rows", [])))), None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", default="https://bigquery.googleapis.com")
    ap.add_argument("--project", required=True)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--token", default=os.environ.get("BIGQUERY_TOKEN", ""))
    ap.add_argument("--timeout", type=int, default=120, help="seconds per query")
    ap.add_argument("files", nargs="+", help="JSONL record files (train/test/inference)")
    a = ap.parse_args()
    endpoint = a.endpoint.rstrip("/")
    queries = {}  # sql -> (file:line, rows the record says)
    records = 0
    for path in a.files:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    sql, rows = rec["sql"], rec.get("rows")
                except (ValueError, KeyError) as e:
                    sys.exit(f"{path}:{n}: not a sqlforge record: {e}")
                records += 1
                queries.setdefault(sql, (f"{path}:{n}", rows))
    bad = 0
    for i, (sql, (where, want)) in enumerate(queries.items(), 1):
        got, err = run(endpoint, a.project, a.dataset, sql, a.token, a.timeout)
        problem = err
        if problem is None and got == 0:
            problem = "no rows"
        elif problem is None and want is not None and got != want:
            problem = f"{got} rows, the record says {want}"
        if problem:
            bad += 1
            print(f"{where}: {problem}\n  {sql}", file=sys.stderr)
        if i % 50 == 0:
            print(f"checked {i}/{len(queries)} queries", file=sys.stderr)
    print(f"{records} records, {len(queries)} distinct queries: {len(queries) - bad} ran with the "
          f"records' row counts, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

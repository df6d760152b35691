"""Load a case (entities, sources, predicates, rules, statements, evidence) from a YAML file.

The file is plain data a journalist can extend (see ``seeds/README.md``). Every write goes
through the services, in one transaction, and only when the row differs from the file, so
loading the same file twice changes nothing and adds no history. A bad file raises
``SeedError`` naming the record and field, e.g.
``statements[3] (ref mod-weapons-depot).assertions[0].predicate: unknown predicate 'foo'``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from statements.models import (
    Assertion,
    Entity,
    EntityKind,
    Evidence,
    Predicate,
    Source,
    Statement,
    TimePrecision,
    ValueType,
)
from statements.services import (
    assertion_clean,
    conflict_checks_deferred,
    entity_save,
    evidence_create,
    evidence_update,
    exclusion_rule_upsert,
    predicate_upsert,
    source_upsert,
    statement_create,
    statement_update,
)
from statements.services.catalogue import recheck_pending
from statements.services.vocabularies import entity_kind_upsert, evidence_kind_upsert

# The C loader when PyYAML has it: the same safe subset of YAML, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SECTIONS = (
    "entity_kinds",
    "evidence_kinds",
    "entities",
    "sources",
    "predicates",
    "exclusion_rules",
    "statements",
    "evidence",
)
OUTCOMES = ("created", "updated", "unchanged")

ASSERTION_FIELDS = {
    "predicate",
    "subject",
    "value",
    "comparator",
    "polarity",
    "at",
    "valid_from",
    "valid_until",
    "time_precision",
    "certainty",
    "note",
}


class SeedError(Exception):
    """A seed file that cannot be loaded; ``where`` names the record and field at fault."""

    def __init__(self, where: str, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


@dataclass
class SeedReport:
    """What a load did, per section: how many records were created, updated or left unchanged."""

    path: str
    sections: dict[str, Counter] = field(
        default_factory=lambda: {name: Counter() for name in SECTIONS}
    )
    assertions: int = 0
    # Whether a full re-check was asked for (a predicate or rule changed, or an entity's side or
    # categories with too many claims to check one by one), and the Recheck row it started once
    # the load committed (None until then, e.g. inside an outer transaction).
    rechecked: bool = False
    recheck: Any = None

    def count(self, section: str) -> int:
        return sum(self.sections[section].values())

    def __str__(self) -> str:
        lines = [f"Loaded {self.path}"]
        for name, outcomes in self.sections.items():
            detail = ", ".join(f"{outcomes[o]} {o}" for o in OUTCOMES)
            lines.append(f"  {name}: {sum(outcomes.values())} ({detail})")
        lines.append(f"  assertions in the file: {self.assertions}")
        if self.recheck is not None:
            lines.append(
                f"  full re-check {self.recheck.pk} ({self.recheck.get_status_display().lower()}):"
                f" {self.recheck.reason}"
            )
        elif self.rechecked:
            lines.append("  a full re-check starts when this load commits")
        return "\n".join(lines)


def seed_load(path: str | Path, *, progress=None) -> SeedReport:
    """Load the seed file at ``path`` through the services and return what changed.

    ``progress``, if given, learns the number of statements and evidence items to write
    (``set_total``) and each one written (``update``).
    """
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(str(path), str(error)) from error
    loader = _Loader(data, report=SeedReport(path=str(path)), progress=progress)
    with transaction.atomic():
        before = recheck_pending()
        asked_before = len(before.reasons) if before is not None else 0
        loader.run()
        pending = recheck_pending()
    # A changed predicate, rule or side asked the catalogue and entity services for a full
    # re-check; it started once, when the load committed (or will, with an outer transaction).
    if pending is not None and len(pending.reasons) > asked_before:
        loader.report.rechecked = True
        loader.report.recheck = pending.recheck
    return loader.report


def _error_key(key: str) -> str:
    """Turn a service's error key (``assertions.0.value``) into a seed path (``[0].value``)."""
    return re.sub(r"\.(\d+)", r"[\1]", key)


def _raise_validation(where: str, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        key, errors = next(iter(error.error_dict.items()))
        message = " ".join(message for e in errors for message in e.messages)
        if key != "__all__":
            where = f"{where}.{_error_key(key)}"
    else:
        message = " ".join(error.messages)
    raise SeedError(where, message) from error


def _to_datetime(value: Any, where: str) -> tuple[dt.datetime, bool]:
    """Return ``value`` as an aware datetime and whether it was a bare date (naive = UTC)."""
    if isinstance(value, str):
        parsed = parse_datetime(value) or parse_date(value)
        if parsed is None:
            raise SeedError(where, f"{value!r} is not an ISO 8601 date or time")
        value = parsed
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value, False
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC), True
    raise SeedError(where, f"{value!r} is not a date or time")


def _assertion_key(fields: Mapping[str, Any] | Assertion) -> tuple:
    """Return what makes two assertions the same, note included, from cleaned fields or a row."""
    if isinstance(fields, Assertion):
        return (*fields.claim(), fields.note)
    return (*Assertion.claim_of(fields), fields["note"])


class _Loader:
    def __init__(self, data: Any, *, report: SeedReport, progress=None):
        if not isinstance(data, dict):
            raise SeedError(report.path, "a seed file is a mapping of sections")
        unknown = set(data) - set(SECTIONS)
        if unknown:
            raise SeedError(sorted(unknown)[0], f"unknown section; expected one of {SECTIONS}")
        self.data = data
        self.report = report
        self.progress = progress
        if progress is not None:
            progress.set_total(
                sum(len(data.get(name) or []) for name in ("statements", "evidence"))
            )
        self.entities: dict[str, Entity] = {}
        self.sources: dict[str, Source] = {}
        self.predicates: dict[str, Predicate] = {}
        self._entity_kinds: set[str] | None = None

    def run(self) -> None:
        # The services check what they write; here every assertion written (or mentioning an
        # entity whose side or categories changed) is checked once, at the end, in batches:
        # the same conflicts, in about half the time of checking record by record.
        with conflict_checks_deferred():
            self.load_kinds("entity_kinds", entity_kind_upsert)
            self.load_kinds("evidence_kinds", evidence_kind_upsert)
            self.load_entities()
            self.load_sources()
            self.load_predicates()
            self.load_exclusion_rules()
            self.load_records("statements", key="ref", write=self.write_statement)
            self.load_records("evidence", key="ref", write=self.write_evidence)

    # --- reading records ---

    def records(self, section: str, key: str):
        """Yield ``(where, record)`` for the section's items, refusing duplicates of ``key``."""
        items = self.data.get(section) or []
        if not isinstance(items, list):
            raise SeedError(section, "expected a list")
        seen = set()
        for index, item in enumerate(items):
            where = f"{section}[{index}]"
            if not isinstance(item, dict):
                raise SeedError(where, "expected a mapping of fields")
            if not item.get(key):
                raise SeedError(f"{where}.{key}", "is required")
            where = f"{where} ({key} {item[key]})"
            if item[key] in seen:
                raise SeedError(f"{where}.{key}", f"{item[key]!r} appears twice")
            seen.add(item[key])
            yield where, item

    @staticmethod
    def fields(
        where: str, item: Mapping[str, Any], required: set[str], optional: set[str]
    ) -> dict[str, Any]:
        for name in sorted(set(item) - required - optional):
            raise SeedError(f"{where}.{name}", f"unknown field '{name}'")
        for name in sorted(required):
            if item.get(name) in (None, ""):
                raise SeedError(f"{where}.{name}", "is required")
        return dict(item)

    def entity(self, slug: Any, where: str) -> Entity:
        if not isinstance(slug, str):
            raise SeedError(where, f"expected an entity slug, got {slug!r}")
        if slug not in self.entities:
            found = Entity.objects.filter(slug=slug).first()
            if found is None:
                raise SeedError(where, f"unknown entity '{slug}'")
            self.entities[slug] = found
        return self.entities[slug]

    def source(self, slug: Any, where: str) -> Source:
        if slug not in self.sources:
            found = Source.objects.filter(slug=slug).first() if isinstance(slug, str) else None
            if found is None:
                raise SeedError(where, f"unknown source '{slug}'")
            self.sources[slug] = found
        return self.sources[slug]

    def predicate(self, slug: Any, where: str) -> Predicate:
        if slug not in self.predicates:
            found = Predicate.objects.filter(slug=slug).first() if isinstance(slug, str) else None
            if found is None:
                raise SeedError(where, f"unknown predicate '{slug}'")
            self.predicates[slug] = found
        return self.predicates[slug]

    # --- entities: create them all, then link part_of and categories ---

    # --- vocabularies: kinds a case adds to the initial ones (a vessel, an inquiry report) ---

    def load_kinds(self, section: str, upsert: Callable) -> None:
        for where, item in self.records(section, key="slug"):
            self.fields(where, item, {"slug", "name"}, {"description"})
            self.upsert(
                section,
                where,
                upsert,
                slug=item["slug"],
                name=str(item["name"]),
                description=item.get("description") or "",
            )
        self._entity_kinds = None

    def entity_kinds(self) -> set[str]:
        """Return the slugs of the entity kinds on record (read once per load)."""
        if self._entity_kinds is None:
            self._entity_kinds = set(EntityKind.objects.values_list("slug", flat=True))
        return self._entity_kinds

    def load_entities(self) -> None:
        outcomes: dict[str, str] = {}
        items = list(self.records("entities", key="slug"))
        for where, item in items:
            self.fields(
                where,
                item,
                {"slug", "name", "kind"},
                {"aliases", "description", "part_of", "categories"},
            )
            aliases = item.get("aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise SeedError(f"{where}.aliases", "expected a list of names")
            if item["kind"] not in self.entity_kinds():
                raise SeedError(
                    f"{where}.kind",
                    f"unknown kind '{item['kind']}'; "
                    f"expected one of {', '.join(sorted(self.entity_kinds()))} "
                    "(or add it under entity_kinds)",
                )
            wanted = {
                "name": item["name"],
                "kind": item["kind"],
                "aliases": aliases,
                "description": item.get("description") or "",
            }
            entity = Entity.objects.filter(slug=item["slug"]).first()
            if entity is None:
                entity, outcomes[item["slug"]] = Entity(slug=item["slug"]), "created"
            else:
                outcomes[item["slug"]] = "unchanged"
            if any(getattr(entity, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(entity, name, value)
                self.save_entity(entity, where)
                if outcomes[item["slug"]] == "unchanged":
                    outcomes[item["slug"]] = "updated"
            self.entities[item["slug"]] = entity

        for where, item in items:
            entity = self.entities[item["slug"]]
            parent = (
                self.entity(item["part_of"], f"{where}.part_of") if item.get("part_of") else None
            )
            changed = False
            if entity.part_of_id != (parent.pk if parent else None):
                entity.part_of = parent
                changed = True
            categories = item.get("categories") or []
            if not isinstance(categories, list):
                raise SeedError(f"{where}.categories", "expected a list of category slugs")
            wanted_ids = set()
            for slug in categories:
                category = self.entity(slug, f"{where}.categories")
                if category.kind != EntityKind.CATEGORY:
                    raise SeedError(
                        f"{where}.categories", f"'{slug}' is a {category.kind}, not a category"
                    )
                wanted_ids.add(category.pk)
            new_categories = None
            if outcomes[item["slug"]] == "created":
                new_categories = wanted_ids or None
            elif set(entity.categories.values_list("pk", flat=True)) != wanted_ids:
                new_categories = wanted_ids
            if changed or new_categories is not None:
                self.save_entity(entity, where, categories=new_categories)
                changed = True
            if changed and outcomes[item["slug"]] == "unchanged":
                outcomes[item["slug"]] = "updated"
        self.report.sections["entities"].update(outcomes.values())

    @staticmethod
    def save_entity(entity: Entity, where: str, categories: set[int] | None = None) -> None:
        try:
            entity_save(entity=entity, categories=categories)
        except ValidationError as error:
            _raise_validation(where, error)

    # --- the catalogue ---

    def upsert(self, section: str, where: str, function: Callable, **fields: Any):
        try:
            row, outcome = function(**fields)
        except ValidationError as error:
            _raise_validation(where, error)
        self.report.sections[section][outcome] += 1
        return row

    def load_sources(self) -> None:
        for where, item in self.records("sources", key="slug"):
            self.fields(where, item, {"slug", "title"}, {"url", "publisher", "published_on"})
            published_on = item.get("published_on")
            if published_on is not None:
                published_on = _to_datetime(published_on, f"{where}.published_on")[0].date()
            self.sources[item["slug"]] = self.upsert(
                "sources",
                where,
                source_upsert,
                slug=item["slug"],
                title=item["title"],
                url=item.get("url") or "",
                publisher=item.get("publisher") or "",
                published_on=published_on,
            )

    def load_predicates(self) -> None:
        for where, item in self.records("predicates", key="slug"):
            self.fields(
                where,
                item,
                {"slug", "value_type"},
                {
                    "name",
                    "description",
                    "choices",
                    "single_valued",
                    "tolerance",
                    "about_tolerance",
                    "subject_kinds",
                    "object_kinds",
                },
            )
            if item["value_type"] not in ValueType.values:
                raise SeedError(
                    f"{where}.value_type",
                    f"unknown value type '{item['value_type']}'; "
                    f"expected one of {', '.join(ValueType.values)}",
                )
            for name in ("subject_kinds", "object_kinds"):
                for kind in item.get(name) or []:
                    if kind not in self.entity_kinds():
                        raise SeedError(f"{where}.{name}", f"unknown entity kind '{kind}'")
            choices = item.get("choices") or []
            if item["value_type"] == ValueType.CHOICE and not choices:
                raise SeedError(f"{where}.choices", "a choice predicate needs its choices")
            self.predicates[item["slug"]] = self.upsert(
                "predicates",
                where,
                predicate_upsert,
                slug=item["slug"],
                name=item.get("name") or item["slug"].replace("_", " ").capitalize(),
                description=item.get("description") or "",
                value_type=item["value_type"],
                choices=choices,
                single_valued=bool(item.get("single_valued", False)),
                tolerance=float(item.get("tolerance", 0)),
                about_tolerance=float(item.get("about_tolerance", 0.25)),
                subject_kinds=item.get("subject_kinds") or [],
                object_kinds=item.get("object_kinds") or [],
            )

    def load_exclusion_rules(self) -> None:
        for where, item in self.records("exclusion_rules", key="slug"):
            self.fields(where, item, {"slug", "left", "right"}, {"description", "active"})
            sides = {}
            for side in ("left", "right"):
                condition = item[side]
                if not isinstance(condition, dict):
                    raise SeedError(f"{where}.{side}", "expected predicate, operator and value")
                self.fields(f"{where}.{side}", condition, {"predicate", "operator"}, {"value"})
                sides[f"{side}_predicate"] = self.predicate(
                    condition["predicate"], f"{where}.{side}.predicate"
                )
                sides[f"{side}_operator"] = condition["operator"]
                sides[f"{side}_value"] = condition.get("value")
            self.upsert(
                "exclusion_rules",
                where,
                exclusion_rule_upsert,
                slug=item["slug"],
                description=item.get("description") or "",
                active=bool(item.get("active", True)),
                **sides,
            )

    # --- statements and evidence, with their assertions ---

    def assertions(self, where: str, items: Any) -> list[dict[str, Any]]:
        """Return the service-ready assertion dicts of a record, each checked by the service."""
        if items is None:
            return []
        if not isinstance(items, list):
            raise SeedError(f"{where}.assertions", "expected a list")
        result = []
        for index, item in enumerate(items):
            here = f"{where}.assertions[{index}]"
            if not isinstance(item, dict):
                raise SeedError(here, "expected a mapping of fields")
            self.fields(here, item, {"predicate", "subject"}, ASSERTION_FIELDS)
            if "value" not in item:
                raise SeedError(f"{here}.value", "is required")
            predicate = self.predicate(item["predicate"], f"{here}.predicate")
            value = item["value"]
            if predicate.value_type == ValueType.ENTITY:
                value = self.entity(value, f"{here}.value")
            data = {
                "predicate": predicate,
                "subject": self.entity(item["subject"], f"{here}.subject"),
                "value": value,
            }
            for name in ("comparator", "polarity", "certainty", "note", "time_precision"):
                if item.get(name) is not None:
                    data[name] = item[name]
            if "at" in item and ({"valid_from", "valid_until"} & set(item)):
                raise SeedError(f"{here}.at", "give either at or valid_from/valid_until")
            bounds = {"valid_from": item.get("at"), "valid_until": item.get("at")}
            for name in ("valid_from", "valid_until"):
                bounds[name] = item.get(name, bounds[name])
            dates = []
            for name, bound in bounds.items():
                if bound is not None:
                    data[name], is_date = _to_datetime(bound, f"{here}.{name}")
                    dates.append(is_date)
            if "time_precision" not in data:
                # A date alone covers its day; a time is read to the minute.
                data["time_precision"] = (
                    TimePrecision.MINUTE if dates and not any(dates) else TimePrecision.DAY
                )
            try:
                cleaned = assertion_clean(data=data)
            except ValidationError as error:
                _raise_validation(here, error)
            result.append({"data": data, "key": _assertion_key(cleaned)})
        return result

    def load_records(self, section: str, *, key: str, write: Callable) -> None:
        for where, item in self.records(section, key=key):
            outcome = write(where, item)
            self.report.sections[section][outcome] += 1
            if self.progress is not None:
                self.progress.update(1)

    @staticmethod
    def with_ids(existing: list[Assertion], wanted: list[dict[str, Any]]) -> list[dict] | None:
        """Return ``wanted`` with the ids of the rows to update in place, or None if unchanged.

        A row equal to a wanted assertion keeps its id (and so its conflicts' reviews); the
        remaining wanted ones take over the remaining rows in order.
        """
        if Counter(_assertion_key(row) for row in existing) == Counter(w["key"] for w in wanted):
            return None
        pool = {}
        for row in existing:
            pool.setdefault(_assertion_key(row), []).append(row.pk)
        result: list[dict] = [{**w["data"]} for w in wanted]
        unmatched = []
        for index, w in enumerate(wanted):
            if pool.get(w["key"]):
                result[index]["id"] = pool[w["key"]].pop(0)
            else:
                unmatched.append(index)
        leftovers = [pk for pks in pool.values() for pk in pks]
        for index, pk in zip(unmatched, sorted(leftovers), strict=False):
            result[index]["id"] = pk
        return result

    def write(
        self,
        *,
        where: str,
        model: type[Statement] | type[Evidence],
        ref: str,
        fields: dict[str, Any],
        assertions: list[dict[str, Any]],
        create: Callable,
        update: Callable,
        owner: str,
    ) -> str:
        """Create or update the record ``ref`` through the services; return the outcome."""
        record = model.objects.filter(ref=ref).first()
        try:
            if record is None:
                create(ref=ref, assertions=[a["data"] for a in assertions], **fields)
                return "created"
            changed = {
                name: value
                for name, value in fields.items()
                if getattr(record, model._meta.get_field(name).attname)
                != (value.pk if hasattr(value, "pk") else value)
            }
            replacement = self.with_ids(list(record.assertions.all()), assertions)
            if not changed and replacement is None:
                return "unchanged"
            update(**{owner: record}, assertions=replacement, **changed)
            return "updated"
        except ValidationError as error:
            _raise_validation(where, error)

    def write_statement(self, where: str, item: dict[str, Any]) -> str:
        self.fields(
            where,
            item,
            {"ref", "speaker", "source", "said_at", "quote"},
            {"said_at_precision", "context", "language", "assertions"},
        )
        said_at, is_date = _to_datetime(item["said_at"], f"{where}.said_at")
        assertions = self.assertions(where, item.get("assertions"))
        self.report.assertions += len(assertions)
        return self.write(
            where=where,
            model=Statement,
            ref=item["ref"],
            fields={
                "speaker": self.entity(item["speaker"], f"{where}.speaker"),
                "source": self.source(item["source"], f"{where}.source"),
                "said_at": said_at,
                "said_at_precision": item.get("said_at_precision")
                or (TimePrecision.DAY if is_date else TimePrecision.MINUTE),
                "quote": str(item["quote"]),
                "context": item.get("context") or "",
                "language": str(item.get("language") or ""),
            },
            assertions=assertions,
            create=statement_create,
            update=statement_update,
            owner="statement",
        )

    @staticmethod
    def credibility(value: Any, where: str) -> int:
        if isinstance(value, bool) or not str(value).isdigit():
            raise SeedError(where, f"{value!r} is not a credibility from 1 to 6")
        return int(value)

    def write_evidence(self, where: str, item: dict[str, Any]) -> str:
        self.fields(
            where,
            item,
            {"ref", "kind", "source", "reliability", "credibility"},
            {
                "title",
                "captured_at",
                "captured_at_precision",
                "place",
                "description",
                "media_url",
                "media_sha256",
                "assertions",
            },
        )
        captured_at, is_date = None, False
        if item.get("captured_at") is not None:
            captured_at, is_date = _to_datetime(item["captured_at"], f"{where}.captured_at")
        assertions = self.assertions(where, item.get("assertions"))
        self.report.assertions += len(assertions)
        return self.write(
            where=where,
            model=Evidence,
            ref=item["ref"],
            fields={
                "kind": item["kind"],
                "title": item.get("title") or "",
                "source": self.source(item["source"], f"{where}.source"),
                "captured_at": captured_at,
                "captured_at_precision": item.get("captured_at_precision")
                or (TimePrecision.DAY if is_date else TimePrecision.MINUTE),
                "place": self.entity(item["place"], f"{where}.place")
                if item.get("place")
                else None,
                "reliability": str(item["reliability"]),
                "credibility": self.credibility(item["credibility"], f"{where}.credibility"),
                "description": item.get("description") or "",
                "media_url": item.get("media_url") or "",
                "media_sha256": item.get("media_sha256") or "",
            },
            assertions=assertions,
            create=evidence_create,
            update=evidence_update,
            owner="evidence",
        )

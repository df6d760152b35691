"""Example bodies for the OpenAPI schema, from the seed case (seeds/kremenchuk.yaml).

Data only: ``contract.postprocess_contract`` attaches them by operationId and status
(``"request"`` for the body an operation takes), and ``tests/api/test_schema_examples.py``
holds each one to its schema and to the keys of a real response on the seed.
"""

AMSTOR = {"slug": "amstor-mall", "name": "Amstor shopping mall", "kind": "facility"}
STRIKE = "2022-06-27T12:50:00Z"
LOADED_AT = "2026-11-30T21:14:07.402118Z"
REVIEWED_AT = "2026-12-01T22:54:31.624891Z"

DAILY_MAIL_SOURCE = {
    "slug": "daily-mail-2022-06-30",
    "title": "Ukraine releases chilling new footage of shoppers diving for cover at Ukrainian "
    "mall as Russian rocket strikes after Kremlin insisted the complex was nonfunctioning",
    "url": "https://www.dailymail.co.uk/news/article-10969639/"
    "Kremenchuk-Ukraine-releases-chilling-new-footage-mall-strike.html",
    "publisher": "Daily Mail",
    "published_on": "2022-06-30",
}
SBU_SOURCE = {
    **DAILY_MAIL_SOURCE,
    "slug": "sbu-cctv-release",
    "title": "CCTV footage of the Amstor mall strike released by the Security Service of Ukraine",
    "publisher": "Security Service of Ukraine (as reported by the Daily Mail)",
}
MINISTRY = {"slug": "russian-mod", "name": "Russian Ministry of Defence", "kind": "organisation"}
KONASHENKOV = {"slug": "igor-konashenkov", "name": "Igor Konashenkov", "kind": "person"}

NON_FUNCTIONING = {
    "id": 1,
    "url": "/api/positions/1/",
    "text": "Amstor shopping mall · facility status: non-functioning · 27 Jun 2022 12:00–13:00 UTC",
    "predicate": "facility_status",
    "subject": AMSTOR,
    "object": None,
    "value": "non_functioning",
    "comparator": "exactly",
    "polarity": "affirmed",
    "valid_from": STRIKE,
    "valid_until": STRIKE,
    "time_precision": "hour",
    "supporter_count": 5,
    "dispute": 1,
}
OPERATIONAL = {
    **NON_FUNCTIONING,
    "id": 19,
    "url": "/api/positions/19/",
    "text": "Amstor shopping mall · facility status: operational · 27 Jun 2022 12:00–13:00 UTC",
    "value": "operational",
    "supporter_count": 1,
}
PEOPLE_PRESENT = {
    **NON_FUNCTIONING,
    "id": 17,
    "url": "/api/positions/17/",
    "text": "Amstor shopping mall · people present: about 1,000 · 27 Jun 2022 12:00–13:00 UTC",
    "predicate": "people_present",
    "value": 1000.0,
    "comparator": "about",
    "supporter_count": 1,
}


def _row(position: dict) -> dict:
    keys = ("id", "url", "text", "value", "polarity", "supporter_count")
    return {key: position[key] for key in keys}


CONFLICT_STATUS = {
    "id": 2,
    "url": "/api/conflicts/2/",
    "rules": ["exclusive_value"],
    "status": "open",
    "score": 0.81,
    "pair_classes": ["against_evidence"],
    "explanation": "“Amstor shopping mall · facility status: non-functioning · 27 Jun 2022 "
    "12:00–13:00 UTC” against “Amstor shopping mall · facility status: operational · 27 Jun "
    "2022 12:00–13:00 UTC”. facility status has one value at a time, and the two values differ. "
    "The first is held by Igor Konashenkov, Russian Ministry of Defence, Russian Federation; the "
    "second by Two CCTV cameras inside a shop in the Amstor mall (evidence graded B2). Recorded "
    "evidence stands against 5 statement(s); the score weighs its grade.",
    "reasons": [{"rule": "exclusive_value", "compared": ["value"], "predicate": "facility_status"}],
    "supporter_pairs": [
        {"class": "against_evidence", "evidence_side": "b", "evidence": [1], "statements": 5}
    ],
    "position_a": NON_FUNCTIONING,
    "position_b": OPERATIONAL,
    "dispute": 1,
    "detected_at": LOADED_AT,
    "updated_at": LOADED_AT,
    "retracted_at": None,
}
CONFLICT_ROW_STATUS = {
    **{key: CONFLICT_STATUS[key] for key in ("id", "url", "rules", "status", "score")},
    "pair_classes": ["against_evidence"],
    "position_a": _row(NON_FUNCTIONING),
    "position_b": _row(OPERATIONAL),
    "dispute": 1,
    "detected_at": LOADED_AT,
}
CONFLICT_ROW_PEOPLE = {
    **CONFLICT_ROW_STATUS,
    "id": 1,
    "url": "/api/conflicts/1/",
    "rules": ["exclusion"],
    "score": 0.8,
    "pair_classes": ["cross_speaker"],
    "position_b": _row(PEOPLE_PRESENT),
}

DISPUTE_TITLE = "Amstor shopping mall · facility status · 27 Jun 2022 12:00–13:00 UTC (+1 related)"
DISPUTE_ROW = {
    "id": 1,
    "url": "/api/disputes/1/",
    "title": DISPUTE_TITLE,
    "status": "reviewed",
    "score": 0.81,
    "rules": ["exclusive_value", "exclusion"],
    "pair_classes": ["cross_speaker", "against_evidence"],
    "positions": [
        {
            "id": 1,
            "claim": "non-functioning",
            "value": "non_functioning",
            "supporter_count": 5,
            "speakers": ["igor-konashenkov", "russian-federation", "russian-mod"],
            "strongest_grade": None,
        },
        {
            "id": 17,
            "claim": "people present: about 1,000",
            "value": 1000.0,
            "supporter_count": 1,
            "speakers": ["daily-mail"],
            "strongest_grade": None,
        },
        {
            "id": 19,
            "claim": "operational",
            "value": "operational",
            "supporter_count": 1,
            "speakers": [],
            "strongest_grade": "B2",
        },
    ],
    "review": {
        "verdict": "supported",
        "position": 19,
        "note": "The footage shows shoppers inside at the moment of the strike.",
        "reviewed_by": "curator",
        "reviewed_at": REVIEWED_AT,
    },
    "last_activity_at": REVIEWED_AT,
}
DISPUTE_ROW_FIRE = {
    "id": 4,
    "url": "/api/disputes/4/",
    "title": "Amstor shopping mall · cause of fire · 27 Jun 2022 12:00–13:00 UTC",
    "status": "open",
    "score": 0.81,
    "rules": ["exclusive_value"],
    "pair_classes": ["against_evidence"],
    "positions": [
        {
            "id": 2,
            "claim": "spread from nearby explosions",
            "value": "spread_from_nearby_explosions",
            "supporter_count": 3,
            "speakers": ["russian-mod"],
            "strongest_grade": None,
        },
        {
            "id": 21,
            "claim": "direct missile hit",
            "value": "direct_missile_hit",
            "supporter_count": 1,
            "speakers": [],
            "strongest_grade": "B2",
        },
    ],
    "review": None,
    "last_activity_at": LOADED_AT,
}

STATEMENT_KONASHENKOV = {
    "id": 1,
    "url": "/api/statements/1/",
    "ref": "konashenkov-non-functioning",
    "speaker": KONASHENKOV,
    "source": DAILY_MAIL_SOURCE,
    "said_at": "2022-06-28T00:00:00Z",
    "said_at_precision": "day",
    "quote": "who said the mall was 'non-functioning'",
    "language": "",
    "context": "The new footage - released by Ukraine's security service - debunks the claim "
    "from Igor Konashenkov, a spokesperson for Russia's defence ministry.",
    "created_by": None,
    "created_at": LOADED_AT,
    "updated_at": LOADED_AT,
    "assertions": [
        {
            "id": 1,
            "url": "/api/assertions/1/",
            "predicate": "facility_status",
            "subject": AMSTOR,
            "object": None,
            "value": "non_functioning",
            "value_display": "non-functioning",
            "comparator": "exactly",
            "polarity": "affirmed",
            "valid_from": STRIKE,
            "valid_until": STRIKE,
            "time_precision": "hour",
            "certainty": "asserted",
            "note": "",
            "position": 1,
        }
    ],
}
STATEMENT_REQUEST = {
    "speaker": "russian-mod",
    "source": "daily-mail-2022-06-30",
    "said_at": "2022-07-01T09:00:00Z",
    "quote": "The shopping centre was non-functioning.",
    "language": "en",
    "assertions": [
        {
            "predicate": "facility_status",
            "subject": "amstor-mall",
            "value": "non_functioning",
            "valid_from": STRIKE,
            "valid_until": STRIKE,
            "time_precision": "hour",
        }
    ],
}
STATEMENT_CREATED = {
    **STATEMENT_KONASHENKOV,
    "id": 29,
    "url": "/api/statements/29/",
    "ref": None,
    "speaker": MINISTRY,
    "said_at": "2022-07-01T09:00:00Z",
    "said_at_precision": "day",
    "quote": "The shopping centre was non-functioning.",
    "language": "en",
    "context": "",
    "created_by": "curator",
    "created_at": REVIEWED_AT,
    "updated_at": REVIEWED_AT,
    "assertions": [
        {**STATEMENT_KONASHENKOV["assertions"][0], "id": 39, "url": "/api/assertions/39/"}
    ],
}

CCTV_SUMMARY = {
    "id": 1,
    "url": "/api/evidence/1/",
    "ref": "cctv-interior-shop",
    "kind": "video",
    "title": "Two CCTV cameras inside a shop in the Amstor mall",
    "label": "Two CCTV cameras inside a shop in the Amstor mall",
    "source": SBU_SOURCE,
    "captured_at": STRIKE,
    "captured_at_precision": "hour",
    "place": AMSTOR,
    "reliability": "B",
    "credibility": 2,
    "grade": "B2",
    "media_url": None,
}
CCTV = {
    **CCTV_SUMMARY,
    "description": "Two cameras inside the same shop captured the moment the missile struck, "
    "sending goods flying off the shelves and the shopkeeper running for cover.",
    "media_sha256": "",
    "created_by": None,
    "created_at": LOADED_AT,
    "updated_at": LOADED_AT,
    "assertions": [
        {
            **STATEMENT_KONASHENKOV["assertions"][0],
            "id": 30,
            "url": "/api/assertions/30/",
            "value": "operational",
            "value_display": "operational",
            "position": 19,
        },
        {
            "id": 33,
            "url": "/api/assertions/33/",
            "predicate": "struck",
            "subject": {
                "slug": "russian-armed-forces",
                "name": "Russian Armed Forces",
                "kind": "organisation",
            },
            "object": AMSTOR,
            "value": "amstor-mall",
            "value_display": "Amstor shopping mall",
            "comparator": "exactly",
            "polarity": "affirmed",
            "valid_from": STRIKE,
            "valid_until": STRIKE,
            "time_precision": "hour",
            "certainty": "likely",
            "note": "The footage shows a missile hitting the mall; who fired it is inferred.",
            "position": 14,
        },
    ],
}

SUPPORTER_KONASHENKOV = {
    "assertion": 1,
    "position": 1,
    "certainty": "asserted",
    "note": "",
    "statement": {
        **{key: STATEMENT_KONASHENKOV[key] for key in ("id", "url", "ref", "speaker", "source")},
        "said_at": "2022-06-28T00:00:00Z",
        "said_at_precision": "day",
        "quote_excerpt": "who said the mall was 'non-functioning'",
    },
    "evidence": None,
}
SUPPORTER_CCTV = {
    "assertion": 30,
    "position": 19,
    "certainty": "asserted",
    "note": "",
    "statement": None,
    "evidence": CCTV_SUMMARY,
}
# Position 14, "Russian Armed Forces · struck: Amstor shopping mall", is held by both kinds.
SUPPORTER_CCTV_STRUCK = {
    **SUPPORTER_CCTV,
    "assertion": 33,
    "position": 14,
    "certainty": "likely",
    "note": "The footage shows a missile hitting the mall; who fired it is inferred.",
}
SUPPORTER_UKRAINE_STRUCK = {
    "assertion": 22,
    "position": 14,
    "certainty": "asserted",
    "note": "",
    "statement": {
        "id": 16,
        "url": "/api/statements/16/",
        "ref": "ukraine-deliberate-no-arms",
        "speaker": {
            "slug": "ukrainian-government",
            "name": "Government of Ukraine",
            "kind": "organisation",
        },
        "source": DAILY_MAIL_SOURCE,
        "said_at": "2022-06-28T00:00:00Z",
        "said_at_precision": "day",
        "quote_excerpt": "But Ukraine says Russia deliberately targeted the mall in a 'terrorist "
        "attack' designed to sow fear among civilians, and that there were no arms being stored "
        "at the factory - which manufactures parts for civilian vehicles, among other things.",
    },
    "evidence": None,
}

DISPUTE = {
    **DISPUTE_ROW,
    "status": "open",
    "positions": [
        {
            **NON_FUNCTIONING,
            "speakers": ["igor-konashenkov", "russian-federation", "russian-mod"],
            "strongest_grade": None,
        },
        {**OPERATIONAL, "speakers": [], "strongest_grade": "B2"},
    ],
    "review": None,
    "last_activity_at": LOADED_AT,
    "time_start": STRIKE,
    "time_end": STRIKE,
    "reopened_because": "",
    "created_at": LOADED_AT,
    "conflicts": [CONFLICT_STATUS],
    "supporters": {"1": [SUPPORTER_KONASHENKOV], "19": [SUPPORTER_CCTV]},
}


def _page(count: int, path: str, results: list) -> dict:
    after = f"https://contradict.example.org{path}?page=2&page_size={len(results)}"
    return {"count": count, "next": after, "previous": None, "results": results}


DRAFT_CONFLICT = {
    **{key: CONFLICT_STATUS[key] for key in ("rules", "score", "pair_classes", "reasons")},
    "explanation": "“Amstor shopping mall · facility status: non-functioning · 27 Jun 2022 "
    "12:00–13:00 UTC” against “Amstor shopping mall · facility status: operational · 27 Jun "
    "2022 12:00–13:00 UTC”. facility status has one value at a time, and the two values differ. "
    "The first is held by Russian Ministry of Defence; the second by Two CCTV cameras inside a "
    "shop in the Amstor mall (evidence graded B2). Recorded evidence stands against 1 "
    "statement(s); the score weighs its grade.",
    "supporter_pairs": [
        {"class": "against_evidence", "evidence_side": "b", "evidence": [1], "statements": 1}
    ],
    "position_a": {"draft_assertion": 0, **NON_FUNCTIONING},
    "position_b": {"draft_assertion": None, **OPERATIONAL},
    "dispute": 1,
}
CHECK_RESULT = {
    "conflicts": [DRAFT_CONFLICT],
    "similar": [
        {
            **{key: STATEMENT_KONASHENKOV[key] for key in ("id", "url", "ref", "speaker")},
            "source": DAILY_MAIL_SOURCE,
            "said_at": "2022-06-28T00:00:00Z",
            "said_at_precision": "day",
            "quote": "who said the mall was 'non-functioning'",
            "language": "",
            "rank": 10.9,
        }
    ],
    "joins": [{**DISPUTE_ROW, "status": "open", "review": None, "last_activity_at": LOADED_AT}],
    "opens": 0,
}

BAD_FILTERS = {
    "type": "validation_error",
    "errors": [
        {
            "code": "invalid_choice",
            "detail": "Select a valid choice. maybe is not one of the available choices.",
            "attr": "status",
        },
        {"code": "invalid", "detail": "Enter a number.", "attr": "min_score"},
    ],
}
BAD_STATEMENT = {
    "type": "validation_error",
    "errors": [
        {
            "code": "does_not_exist",
            "detail": "Object with slug=amstor does not exist.",
            "attr": "assertions.0.subject",
        }
    ],
}

# operationId -> status (or "request") -> summary -> body.
EXAMPLES = {
    "disputes_list": {
        "200": {
            "Disputes about the Amstor mall": _page(
                4, "/api/disputes/", [DISPUTE_ROW, DISPUTE_ROW_FIRE]
            )
        },
        "400": {"Two filters are wrong": BAD_FILTERS},
    },
    "disputes_retrieve": {"200": {"The mall's facility status": DISPUTE}},
    "conflicts_list": {
        "200": {
            "Conflicts of the facility status dispute": _page(
                3, "/api/conflicts/", [CONFLICT_ROW_STATUS, CONFLICT_ROW_PEOPLE]
            )
        }
    },
    "conflicts_retrieve": {"200": {"Non-functioning against operational": CONFLICT_STATUS}},
    "statements_list": {
        "200": {
            "A statement found by ref": {
                "count": 1,
                "next": None,
                "previous": None,
                "results": [STATEMENT_KONASHENKOV],
            }
        }
    },
    "statements_retrieve": {"200": {"Konashenkov: non-functioning": STATEMENT_KONASHENKOV}},
    "statements_create": {
        "request": {"The ministry repeats non-functioning": STATEMENT_REQUEST},
        "201": {"The ministry repeats non-functioning": STATEMENT_CREATED},
        "400": {"An unknown entity": BAD_STATEMENT},
    },
    "evidence_retrieve": {"200": {"CCTV inside a shop": CCTV}},
    "check_create": {"200": {"The ministry repeats non-functioning": CHECK_RESULT}},
    "positions_supporters_list": {
        "200": {
            "Who says the Russian forces struck the mall": {
                "count": 3,
                "next": None,
                "previous": None,
                "results": [SUPPORTER_CCTV_STRUCK, SUPPORTER_UKRAINE_STRUCK],
            }
        }
    },
}

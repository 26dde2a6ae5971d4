"""The scale benchmark's awards (bench/scale_data.py writes the rest): credentials with their
certification certificate and CE activities, set and module certificates (the latest of
`due_people` people waiting for tonight's email, the rest emailed) with their events, share
links, and calendar feeds for the sample people."""

import hashlib
from datetime import datetime, timedelta

from bench.scale_data import CE_PER_CREDENTIAL, FIRST, LAST, PDF_NAME, TZ, Copier, Generated, _at, code


def write_awards(db: Copier, n: dict[str, int], out: Generated, *, now: datetime, u0: int, programs: list[int],
                        passed: list, done_at: dict, modules: dict, completions: list, starts: list, x0: int, m0: int,
                        by_program: list[list[int]]) -> None:  # fmt: skip
    """Credentials (with their certification certificate and CE activities), set and module
    certificates (20,000 people due tonight at scale 1.0, the rest emailed), their events, share links."""
    today = now.date()
    holders = by_program[0][: n["credentials"]]
    cert0, cr0 = db.next_id("certificates_certificate"), db.next_id("recertification_credential")
    rows: list[
        tuple
    ] = []  # (id, person, program id, kind, source key, module, practicum, title, hours, earned_on)
    for k, i in enumerate(holders):
        earned = today - timedelta(days=30 + (i * 13) % 600)
        rows.append((cert0 + len(rows), i, programs[0], "certification", f"credential:{cr0 + k}", None, None,
                     "Certified Coach", "40.00", earned))  # fmt: skip
    room = n["certificates"] - len(rows)
    for i, j in completions[: room * 2 // 5]:
        earned = starts[j] + timedelta(days=3)
        rows.append(
            (
                cert0 + len(rows),
                i,
                programs[j % 3],
                "set",
                f"set:{x0 + j}",
                None,
                x0 + j,
                f"Practicum {j}",
                "12.00",
                earned,
            )
        )
    for a in passed[: n["certificates"] - len(rows)]:
        module = modules[a[1][2], a[1][3], a[2]]
        rows.append((cert0 + len(rows), a[1][1], programs[a[1][2]], "module", f"module:{module}", module, None,
                     f"Module {module - m0}", "2.00", done_at[a[0]].date()))  # fmt: skip
    due_people = n["due_people"]
    due_persons: set[int] = set()
    pending: set[int] = set()
    for row in reversed(rows):
        if len(due_persons) >= due_people:
            break
        if row[1] not in due_persons:
            due_persons.add(row[1])
            pending.add(row[0])
    out.due_people = len(due_persons)

    def certificate_row(r: tuple) -> tuple:
        wait = r[0] in pending
        earned = today - timedelta(days=r[0] % 2) if wait else r[9]
        issued = _at(earned, 20)
        return (r[0], r[3], r[4], r[7], f"{FIRST[r[1] % len(FIRST)]} {LAST[(r[1] // len(FIRST)) % len(LAST)]} {r[1]}",
                r[8], str(earned), code((r[0] * 25214903917) % 24**12, 12), PDF_NAME, "", "live", 1, "", False,
                "pending" if wait else "sent", None if wait else (issued + timedelta(hours=1)).isoformat(), "",
                min(issued, now).isoformat(), r[5], r[6], r[2], None, u0 + r[1])  # fmt: skip

    db.copy("certificates_certificate", ["id", "kind", "source_key", "title", "name_on_certificate", "appraised_hours",
            "earned_on", "verification_code", "pdf", "pdf_sha256", "status", "version", "revoked_reason", "held",
            "email_state", "emailed_at", "email_error", "issued_at", "module_id", "practicum_id", "program_id",
            "supersedes_id", "user_id"], (certificate_row(r) for r in rows))  # fmt: skip
    ev0 = db.next_id("certificates_certificateevent")

    def events():
        k = 0
        for r in rows:
            yield (ev0 + k, "issued", "", _at(r[9], 20).isoformat(), None, r[0])
            k += 1
            if r[0] not in pending:
                yield (ev0 + k, "emailed", "", _at(r[9], 21).isoformat(), None, r[0])
                k += 1

    db.copy(
        "certificates_certificateevent", ["id", "action", "reason", "at", "by_id", "certificate_id"], events()
    )
    db.copy("recertification_credential", ["id", "number", "valid_from", "valid_until", "created_at", "certificate_id",
            "previous_id", "program_id", "user_id", "ce_hours"],
            ((cr0 + k, f"CC-{k:06d}", str(rows[k][9]), str(rows[k][9] + timedelta(days=729)),
              _at(rows[k][9]).isoformat(), rows[k][0], None, programs[0], u0 + i, 0) for k, i in enumerate(holders)))  # fmt: skip
    kinds = ["conference", "webinar", "roundtable", "course", "other"]
    ce0 = db.next_id("recertification_ceactivity")
    db.copy("recertification_ceactivity", ["id", "kind", "title", "provider", "date", "hours", "notes", "evidence",
            "status", "review_reason", "created_at", "practicum_id", "program_id", "reviewed_by_id", "user_id",
            "counted_for_id", "evidence_name", "evidence_type"],
            ((ce0 + k * CE_PER_CREDENTIAL + x, kinds[x % 5], f"CE activity {x + 1}",
              "A provider", str(min(rows[k][9] + timedelta(days=20 + 40 * x), today)), "1.50", "", "",
              "pending" if x == 5 else "approved", "", now.isoformat(), None, programs[0], None, u0 + i, None, "", "")
             for k, i in enumerate(holders) for x in range(CE_PER_CREDENTIAL)))  # fmt: skip
    sl0 = db.next_id("certificates_sharelink")

    def link_row(k: int) -> tuple:
        through = today + timedelta(days=365) if k % 2 == 0 else today - timedelta(days=30)
        return (sl0 + k, "", hashlib.sha256(f"scale-link-{k}".encode()).hexdigest(), now.isoformat(),
                _at(through + timedelta(days=1), 7).isoformat(), None, None, 0, u0 + k % n["people"],
                str(through), TZ, "all", None, None)  # fmt: skip

    db.copy("certificates_sharelink", ["id", "label", "token_hash", "created_at", "expires_at", "revoked_at",
            "last_opened_at", "open_count", "user_id", "valid_through", "time_zone", "view", "module_id", "practicum_id"],
            (link_row(k) for k in range(n["share_links"])))  # fmt: skip
    # Sample people: enrolled in the certification and a series, holding a credential.
    out.sample_people = [u0 + i for i in holders[:5]]
    out.share_tokens = {u0 + i: f"scale-link-{i}" for i in holders[:5] if i % 2 == 0 and i < n["share_links"]}
    cf0 = db.next_id("practicums_calendarfeed")
    db.copy("practicums_calendarfeed", ["id", "token", "created_at", "user_id"],
            ((cf0 + k, f"scale-calendar-{uid}", now.isoformat(), uid) for k, uid in enumerate(out.sample_people)))  # fmt: skip
    out.calendar_tokens = {uid: f"scale-calendar-{uid}" for uid in out.sample_people}
    out.certificate_codes = [
        code((r[0] * 25214903917) % 24**12, 12) for r in rows[:: max(1, len(rows) // 20)]
    ]
    out.modules = {
        u0 + a[1][1]: modules[a[1][2], a[1][3], a[2]] for a in passed if u0 + a[1][1] in out.sample_people
    }

"""Signed audit entries (签名留痕): a well-formed entry appended in someone's name, or a history
rewritten with recomputed hashes, is caught by the signatures — naming the entry and the person."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, select

from courtdesk.kernel import audit, checkpoint, signing
from courtdesk.kernel.models.infra import AuditEntry, SigningKey
from courtdesk.kernel.models.people import User
from courtdesk.kernel.people import PeopleService

PASSWORD = "Demo2026"


def verify_cli(db_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "courtdesk", "verify-audit", "--db", str(db_path), *extra],
                          check=False, capture_output=True, text=True, timeout=180)


def _entries(db_path: Path, start: int = 0) -> list[AuditEntry]:
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(AuditEntry.__table__).where(AuditEntry.id >= start)
                                     .order_by(AuditEntry.id)).all())
    finally:
        engine.dispose()


def _fields(row) -> dict:
    return {"at": row.at.isoformat(), "user_id": row.user_id, "user_name": row.user_name, "action": row.action,
            "entity": row.entity, "entity_id": row.entity_id, "before": row.before, "after": row.after,
            "comment": row.comment}


def _installation_key(conn: sqlite3.Connection):
    """What anyone holding the database file can sign with."""
    key_id, secret = conn.execute("SELECT id, secret FROM signing_key WHERE user_id IS NULL").fetchone()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return key_id, Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret))


def _user_id(db, username: str) -> int:
    with db.read() as s:
        return s.scalar(select(User.id).where(User.username == username))


def _raise_claim_and_append_entry(db_path: Path, user_id: int, user_name: str, *, sign: str) -> int:
    """Raise claim 1 by ¥10,000 behind the app's back and append one well-formed 「修改」 entry in
    ``user_name``'s name (recomputed hash, head moved): ``sign`` = "installation" (the key in the
    file), or "none". Returns the new entry's id."""
    with sqlite3.connect(db_path) as conn:
        last_after = conn.execute("SELECT after FROM audit_entry WHERE entity='finance_claim' AND entity_id=1"
                                  " ORDER BY id DESC LIMIT 1").fetchone()[0]
        before = json.loads(last_after)
        after = {**before, "total_fen": before["total_fen"] + 1_000_000}
        conn.execute("UPDATE finance_claim SET total_fen = total_fen + 1000000 WHERE id=1")
        last_id, prev = conn.execute("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
        fields = {"at": "2026-12-01T10:00:00", "user_id": user_id, "user_name": user_name, "action": "update",
                  "entity": "finance_claim", "entity_id": 1, "before": audit.canonical_json(before),
                  "after": audit.canonical_json(after), "comment": ""}
        digest = audit.entry_hash(prev, fields)
        key_id, signature = None, None
        if sign == "installation":
            key_id, private = _installation_key(conn)
            signature = signing.sign(private, digest)
        conn.execute(
            "INSERT INTO audit_entry (id, at, user_id, user_name, action, entity, entity_id, before, after, comment,"
            " prev_hash, hash, key_id, signature) VALUES (?, '2026-12-01 10:00:00.000000', ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?, ?)",
            (last_id + 1, user_id, user_name, "update", "finance_claim", 1, fields["before"], fields["after"], "",
             prev, digest, key_id, signature))
        conn.execute("UPDATE audit_head SET last_id=?, last_hash=?", (last_id + 1, digest))
    return last_id + 1


def test_every_entry_of_a_new_demo_database_is_signed_and_verifies(db, db_path):
    with db.read() as s:
        unsigned = s.scalars(select(AuditEntry.id).where(AuditEntry.signature.is_(None))).all()
        keys = s.scalars(select(SigningKey)).all()
        people = s.scalars(select(User.id)).all()
    assert unsigned == []
    assert sum(k.user_id is None for k in keys) == 1  # the installation key
    assert {k.user_id for k in keys if k.user_id is not None} == set(people)  # every account has a pair
    assert all(k.secret and k.public_key not in k.secret for k in keys if k.user_id is not None)
    result = verify_cli(db_path)
    assert result.returncode == 0, result.stdout


def test_people_sign_their_own_entries(db, users):
    from courtdesk.areas.seals.service import SealService
    from tests.areas.seals.test_seal_use import request

    use = request(db, users)
    SealService(db).act(users["office_head"], use.id, "approve", "同意")
    with db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "seal_use", AuditEntry.entity_id == use.id)
                            .order_by(AuditEntry.id)).all()
        owners = {k.id: k.user_id for k in s.scalars(select(SigningKey))}
    assert [(e.user_name, owners[e.key_id]) for e in entries] == [
        ("郑洁", users["judge"].id), ("李强", users["office_head"].id)]


def test_an_appended_forged_entry_is_caught_naming_the_person(db, db_path, tmp_path):
    """「孙丽 修改」 appended with a recomputed hash: the hash chain alone accepts it (also with a
    checkpoint taken before); its signature does not."""
    cp_file = tmp_path / "before.json"
    with db.read() as s:
        checkpoint.write(checkpoint.take(s.connection()), cp_file)
    db.dispose()
    entry_id = _raise_claim_and_append_entry(db_path, _user_id(db, "finance"), "孙丽", sign="installation")
    for extra in ((), ("--checkpoint", str(cp_file))):
        result = verify_cli(db_path, *extra)
        assert result.returncode == 1, result.stdout
        assert f"audit BROKEN at entry {entry_id}" in result.stdout
        line = next(x for x in result.stdout.splitlines() if f"entry {entry_id}:" in x)
        assert "应由孙丽本人的密钥签名，却由本机安装密钥签名" in line and "报销单第 1 号记录" in line
        assert "操作人：孙丽" in line
        assert "内容与其哈希不符" not in result.stdout and "链接断开" not in result.stdout  # a well-formed entry


def test_an_unsigned_appended_entry_is_a_finding(db, db_path):
    db.dispose()
    entry_id = _raise_claim_and_append_entry(db_path, _user_id(db, "finance"), "孙丽", sign="none")
    result = verify_cli(db_path)
    assert result.returncode == 1
    assert f"audit BROKEN at entry {entry_id}: 留痕记录（audit_entry）第 {entry_id} 号记录：没有签名" in result.stdout


def test_a_whole_chain_rewrite_is_caught_by_signatures_alone(db, db_path):
    """Claim 1 raised in the table and in its first entry, every later hash recomputed, the head moved,
    and every installation-key signature redone with the key in the file; no checkpoint."""
    db.dispose()
    with sqlite3.connect(db_path) as conn:
        first = conn.execute("SELECT min(id) FROM audit_entry WHERE entity='finance_claim' AND entity_id=1"
                             ).fetchone()[0]
        installation_id, private = _installation_key(conn)
    rows = _entries(db_path, first)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE finance_claim SET total_fen = total_fen + 1000000 WHERE id=1")
        prev = rows[0].prev_hash
        new_hashes: dict[int, str] = {}
        for row in rows:
            fields = _fields(row)
            if row.entity == "finance_claim" and row.entity_id == 1:
                for side in ("before", "after"):
                    if fields[side]:
                        snap = json.loads(fields[side])
                        snap["total_fen"] += 1_000_000
                        fields[side] = audit.canonical_json(snap)
                conn.execute("UPDATE audit_entry SET before=?, after=? WHERE id=?",
                             (fields["before"], fields["after"], row.id))
            digest = audit.entry_hash(prev, fields)
            conn.execute("UPDATE audit_entry SET prev_hash=?, hash=? WHERE id=?", (prev, digest, row.id))
            new_hashes[row.id] = digest
            prev = digest
        conn.execute("UPDATE audit_head SET last_hash=?", (prev,))
        # Re-sign every run the installation key signed (the last entry of each run carries the hash).
        runs: dict[str, int] = {}
        for row in rows:
            if row.key_id == installation_id:
                runs[row.signature] = row.id
        for old_sig, last in runs.items():
            conn.execute("UPDATE audit_entry SET signature=? WHERE signature=?",
                         (signing.sign(private, new_hashes[last]), old_sig))
    result = verify_cli(db_path)
    assert result.returncode == 1
    assert "内容与其哈希不符" not in result.stdout and "链接断开" not in result.stdout and "链尾" not in result.stdout
    assert "row mismatch" not in result.stdout  # the table agrees with the rewritten history
    assert "签名无效（以孙丽的个人密钥核对不符" in result.stdout
    assert f"audit BROKEN at entry {first}:" in result.stdout  # claim 1's creation, signed by its author


def test_a_key_swapped_in_the_chain_is_caught_with_a_checkpoint(db, db_path, tmp_path):
    with db.read() as s:
        cp = checkpoint.take(s.connection())
    assert cp.keys == len(_entries_of_keys(db)) and len(cp.keys_fingerprint) == 64
    assert len(cp.installation_key) == 64 and "密钥指纹 " + cp.keys_fingerprint[:8] in cp.footer_text()
    cp_file = checkpoint.write(cp, tmp_path / "cp.json")
    assert json.loads(cp_file.read_text(encoding="utf-8"))["installation_key"] == cp.installation_key
    db.dispose()
    with sqlite3.connect(db_path) as conn:  # the first key's public key replaced in its entry (hash left)
        row_id, after = conn.execute("SELECT id, after FROM audit_entry WHERE entity='signing_key'"
                                     " ORDER BY id LIMIT 1").fetchone()
        snap = json.loads(after)
        snap["public_key"] = signing.public_hex(signing.new_private())
        conn.execute("UPDATE audit_entry SET after=? WHERE id=?", (audit.canonical_json(snap), row_id))
    result = verify_cli(db_path, "--checkpoint", str(cp_file))
    assert result.returncode == 1
    assert "签名密钥被替换" in result.stdout


def _entries_of_keys(db) -> list[int]:
    with db.read() as s:
        return s.scalars(select(SigningKey.id)).all()


def _key_of(db, user_id: int) -> SigningKey:
    with db.read() as s:
        return s.scalars(select(SigningKey).where(SigningKey.user_id == user_id, SigningKey.replaced_at.is_(None))
                         ).one()


def test_a_password_change_rewraps_the_same_key_and_a_reset_issues_a_new_pair(db, db_path, users):
    people = PeopleService(db)
    judge = people.login("judge", PASSWORD)
    before = _key_of(db, judge.id)
    people.change_password(judge, PASSWORD, "Newpass2026")
    after = _key_of(db, judge.id)
    assert after.id == before.id and after.public_key == before.public_key and after.secret != before.secret
    judge = people.login("judge", "Newpass2026")  # unlocks the re-wrapped key
    people.update_profile(judge, judge.id, phone="0316-6080099")

    people.reset_password(users["admin"], judge.id, "Reset2026x")
    reset = _key_of(db, judge.id)
    assert reset.public_key != before.public_key
    judge = people.login("judge", "Reset2026x")
    people.change_password(judge, "Reset2026x", "Mine2026xy")  # first change after a reset: yet another pair
    mine = _key_of(db, judge.id)
    assert mine.public_key not in (before.public_key, reset.public_key)
    people.update_profile(people.login("judge", "Mine2026xy"), judge.id, phone="0316-6080098")
    with db.read() as s:
        old = s.scalars(select(SigningKey).where(SigningKey.user_id == judge.id).order_by(SigningKey.id)).all()
    assert [k.replaced_at is not None for k in old] == [True, True, False]
    db.dispose()
    result = verify_cli(db_path)  # the old public keys still verify the entries made under them
    assert result.returncode == 0, result.stdout


def test_an_account_of_the_earlier_hash_gets_its_key_at_the_next_login(db, db_path, users):
    """An account as it looks before this upgrade (argon2-cffi's own hash, no key): its entries are
    signed by the installation key naming the person until the next login creates the pair."""
    from argon2 import PasswordHasher

    with db.write() as s:
        s.add(User(username="old_hand", name="钱老", password_hash=PasswordHasher().hash(PASSWORD),
                   department_id=users["clerk"].department_id))
    old_id = _user_id(db, "old_hand")
    people = PeopleService(db)
    with db.read() as s:
        old_hand = s.get(User, old_id)
    people.update_profile(old_hand, old_id, phone="0316-6080018")  # before any key: the installation's
    old_hand = people.login("old_hand", PASSWORD)
    with db.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.id == old_id))
    assert stored.startswith("$argon2id$") and stored.endswith("$kek1")
    key = _key_of(db, old_id)
    people.update_profile(old_hand, old_id, phone="0316-6080019")
    with db.read() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        installation = s.scalar(select(SigningKey.id).where(SigningKey.user_id.is_(None)))
        first = s.scalars(select(AuditEntry).where(AuditEntry.entity == "user_account", AuditEntry.entity_id == old_id,
                                                   AuditEntry.user_id == old_id).order_by(AuditEntry.id)).first()
    assert (first.key_id, last.user_name, last.key_id) == (installation, "钱老", key.id)
    assert PeopleService(db).login("old_hand", PASSWORD).id == old_id  # the new form checks too
    db.dispose()
    assert verify_cli(db_path).returncode == 0


def test_a_write_as_a_person_whose_key_is_not_unlocked_is_refused(db, users):
    import pytest

    from courtdesk.kernel.errors import DomainError

    judge = users["judge"]
    signing.forget(_key_of(db, judge.id).public_key)  # as in a process where the judge never logged in
    with pytest.raises(DomainError, match="签名：「郑洁」的个人签名密钥未解锁，请重新登录后再保存"):
        PeopleService(db).update_profile(judge, judge.id, phone="0316-6080097")
    PeopleService(db).login("judge", PASSWORD)
    PeopleService(db).update_profile(judge, judge.id, phone="0316-6080097")


def test_a_key_slipped_in_for_a_person_who_has_one_is_caught(db, db_path):
    """The file's installation key cannot give 孙丽 a new key of the forger's choosing, then sign a
    「孙丽 修改」 with it: replacing a person's key needs their signature or an administrator's."""
    finance = _user_id(db, "finance")
    db.dispose()
    forged = signing.new_private()
    with sqlite3.connect(db_path) as conn:
        key_id, private = _installation_key(conn)
        new_key = conn.execute("SELECT max(id) + 1 FROM signing_key").fetchone()[0]
        snap = {"id": new_key, "user_id": finance, "public_key": signing.public_hex(forged),
                "secret": "sha256:" + "0" * 64, "valid_from": "2026-12-01T09:00:00", "replaced_at": None}
        conn.execute("INSERT INTO signing_key (id, user_id, public_key, secret, valid_from) VALUES (?, ?, ?, ?, ?)",
                     (new_key, finance, snap["public_key"], "x", "2026-12-01 09:00:00.000000"))
        conn.execute("UPDATE signing_key SET replaced_at='2026-12-01 09:00:00.000000' WHERE user_id=? AND id<?",
                     (finance, new_key))
        last_id, prev = conn.execute("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
        fields = {"at": "2026-12-01T09:00:00", "user_id": None, "user_name": "系统", "action": "create",
                  "entity": "signing_key", "entity_id": new_key, "before": None,
                  "after": audit.canonical_json(snap), "comment": ""}
        digest = audit.entry_hash(prev, fields)
        conn.execute(
            "INSERT INTO audit_entry (id, at, user_id, user_name, action, entity, entity_id, before, after, comment,"
            " prev_hash, hash, key_id, signature) VALUES (?, '2026-12-01 09:00:00.000000', NULL, '系统', 'create',"
            " 'signing_key', ?, NULL, ?, '', ?, ?, ?, ?)",
            (last_id + 1, new_key, fields["after"], prev, digest, key_id, signing.sign(private, digest)))
        conn.execute("UPDATE audit_head SET last_id=?, last_hash=?", (last_id + 1, digest))
    result = verify_cli(db_path)
    assert result.returncode == 1
    assert (f"audit BROKEN at entry {last_id + 1}: 留痕记录（audit_entry）第 {last_id + 1} 号记录："
            "为孙丽更换签名密钥，却只有本机安装密钥的签名（须由本人或管理员签名）") in result.stdout

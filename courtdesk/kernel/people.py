"""Login, lock-out, users, departments and roles.

Passwords are kept only as argon2id hashes. Five wrong passwords in a row lock the login name for
15 minutes; an administrator can unlock it and reset the password (the user must then choose a new
one). Failures are counted per login name as typed (``login_throttle``), whether an account of that
name exists or not, and an unknown name is checked against a stand-in hash with the same argon2
cost: the answer, its wording and its time are the same for an unknown name, a wrong password, a
deactivated account and a locked one, so nobody can probe which accounts exist.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courtdesk.kernel import clock, signing, validation
from courtdesk.kernel.db.engine import Database, note_check
from courtdesk.kernel.errors import Conflict, DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.models.people import (
    ADMIN,
    BUSINESS,
    DEPARTMENT_KINDS,
    Department,
    LoginThrottle,
    Role,
    User,
    UserRole,
    all_roles,
)
from courtdesk.kernel.records import load_or_refuse

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()  # argon2-cffi's defaults (RFC 9106's second choice): t=3, m=64 MiB, p=4
_stand_in: str | None = None  # a hash of a random password, verified for names without an account


def use_cost(time_cost: int, memory_cost: int, parallelism: int) -> tuple[int, int, int]:
    """Hash new passwords in this process with these argon2id parameters; the ones before, returned.

    For the test suite, which hashes hundreds of passwords: it runs on cheap parameters and one test
    keeps the production cost. A stored hash always checks with its own parameters, and one made with
    other parameters than the process's is re-made at that person's next login (``needs_upgrade``)."""
    global _hasher, _stand_in
    before = (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism)
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _stand_in = None
    return before

#: The one answer to every refused login (the lock-out adds only what the typist can already know).
WRONG = "用户名或密码错误"

# --- one argon2id computation: the password's verifier and the key that wraps the signing key -------
#
# ``hash_secret_raw`` gives 64 bytes with the account's parameters and salt: the first 32 are stored
# (the verifier), the last 32 never are (they wrap the person's private signing key, see
# :mod:`courtdesk.kernel.signing`). Knowing the stored string does not give the wrapping key; the
# right password gives both from the one computation login already pays for. The stored form is the
# PHC string of argon2id with a marker segment, ``$argon2id$v=19$m=…,t=…,p=…$<salt>$<verifier>$kek1``;
# a hash of the earlier form (no marker: argon2-cffi's own) still checks, and is replaced at that
# person's next successful login.
_SPLIT_MARK = "kek1"
_SALT_LEN = 16
_HALF = 32


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    import base64

    return base64.b64decode(text + "=" * (-len(text) % 4))


def _raw(password: str, salt: bytes, t: int, m: int, p: int) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=t, memory_cost=m, parallelism=p,
                           hash_len=2 * _HALF, type=Type.ID)


def credentials(password: str) -> tuple[str, bytes]:
    """A new salt; the stored form of ``password`` and the key that wraps the person's signing key."""
    import os

    params = _hasher
    salt = os.urandom(_SALT_LEN)
    t, m, p = params.time_cost, params.memory_cost, params.parallelism
    raw = _raw(password, salt, t, m, p)
    stored = f"$argon2id$v=19$m={m},t={t},p={p}${_b64(salt)}${_b64(raw[:_HALF])}${_SPLIT_MARK}"
    return stored, raw[_HALF:]


def _parse_split(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 7 or parts[1] != "argon2id" or parts[6] != _SPLIT_MARK:
        return None
    try:
        params = dict(kv.split("=", 1) for kv in parts[3].split(","))
        return int(params["t"]), int(params["m"]), int(params["p"]), _unb64(parts[4]), _unb64(parts[5])
    except (ValueError, KeyError):
        return None


def check_password(stored: str, password: str) -> tuple[bool, bytes | None]:
    """Whether ``password`` matches ``stored`` (one argon2id computation), and the key-wrapping key
    when the stored form is the split one (None for a hash of the earlier form)."""
    import hmac

    split = _parse_split(stored)
    if split is None:
        try:
            return _hasher.verify(stored, password), None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False, None
    t, m, p, salt, verifier = split
    try:
        raw = _raw(password, salt, t, m, p)
    except Exception:  # noqa: BLE001 — malformed parameters: no match
        return False, None
    if not hmac.compare_digest(raw[:_HALF], verifier):
        return False, None
    return True, raw[_HALF:]


def needs_upgrade(stored: str) -> bool:
    """An earlier form (no wrapping key) or other parameters than the current ones."""
    split = _parse_split(stored)
    if split is None:
        return True
    t, m, p, _salt, _verifier = split
    return (t, m, p) != (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism)


def hash_password(password: str) -> str:
    return credentials(password)[0]


def _verify(password_hash: str, password: str) -> bool:
    return check_password(password_hash, password)[0]


def stand_in_hash() -> str:
    """The hash an unknown name's password is checked against (made once, with the same cost)."""
    global _stand_in
    if _stand_in is None:
        import secrets

        _stand_in = hash_password(secrets.token_urlsafe(24))
        signing.preload()  # as the app calls this while the login dialog waits: login pays for neither
    return _stand_in


def require(actor: User, *roles: Role, action: str) -> None:
    """The permission check every service uses: ``actor`` must hold one of ``roles``.

    Live permissions: ``actor`` is the object loaded at login, so a check made before the service
    opens its write could pass on a role removed since. Such a check is therefore noted
    (:func:`~courtdesk.kernel.db.engine.note_check`) and run again by the write itself, after it has
    re-read the account in its own transaction (:func:`~courtdesk.kernel.db.engine.refresh_actor`);
    a check made inside the write already sees the fresh roles. Either way the removed role is refused
    with these same words on the user's next action."""

    def check() -> None:
        if actor is None or not actor.active or not actor.has(*roles):
            who = "、".join(r.label for r in roles)
            raise PermissionDenied(f"只有{who}可以{action}", field="操作人")

    check()
    note_check(actor, check)


def load_user(session: Session, user_id: int) -> User:
    return load_or_refuse(session, User, user_id, "用户", "该用户不存在")


def _clear_throttle(session: Session, name: str) -> None:
    """Forget a login name's failures (through the ORM, so the audit hook records it)."""
    throttle = session.scalar(select(LoginThrottle).where(LoginThrottle.name == name))
    if throttle is not None:
        session.delete(throttle)


def _known_roles(roles: Iterable[Role]) -> list[str]:
    """The role codes, each one a declared role (an unknown code is refused, naming it)."""
    known = set(all_roles())
    codes = []
    for role in roles:
        if str(role) not in known:
            raise ValidationError(f"角色：没有「{role}」这个角色", field="角色")
        codes.append(str(role))
    return codes


def _active_department(session: Session, department_id: Any) -> Department:
    """The department a person is put in: it must exist and be in use."""
    if not isinstance(department_id, int) or isinstance(department_id, bool):
        raise ValidationError("部门：请选择一个部门", field="部门")
    dept = load_or_refuse(session, Department, department_id, "部门", "该部门不存在")
    if not dept.active:
        raise ValidationError(f"部门：「{dept.name}」已停用", field="部门")
    return dept


#: The longest password taken (checked before any hashing: a megabyte "password" costs nothing).
MAX_PASSWORD_LENGTH = 256


def check_password_rule(password: str, label: str = "新密码") -> None:
    """The rule every password set in CourtDesk follows; the refusal names the field ``label``."""
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"{label}：不能超过 {MAX_PASSWORD_LENGTH} 个字符", field=label)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"{label}：至少 {MIN_PASSWORD_LENGTH} 位", field=label)
    if password.isdigit() or password.isalpha():
        raise ValidationError(f"{label}：须同时包含字母和数字", field=label)


class PeopleService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- login -----------------------------------------------------------------------------------

    def login(self, username: str, password: str) -> User:
        """Return the user, or raise DomainError with the same words, after the same work, for an
        unknown name, a wrong password, a deactivated account and a locked name.

        The attempt is counted against the name typed *before* the password is checked, in one short
        write that also checks the limit (:meth:`_count_attempt`): eight workstations guessing at once
        get the name locked after the fifth guess, not after every guess already being hashed. The
        password itself is checked outside any transaction (argon2 takes ~¼ s by design; holding the
        write lock meanwhile would stall every other workstation); a success then takes the count
        back."""
        name = unicodedata.normalize("NFKC", (username or "").strip())
        if not name:
            raise ValidationError("用户名：必填，不能为空", field="用户名")
        if len(password or "") > MAX_PASSWORD_LENGTH:  # refused before any hashing, telling nothing
            raise ValidationError(f"密码：不能超过 {MAX_PASSWORD_LENGTH} 个字符", field="密码")
        name = name[:40]
        locked, counted = self._count_attempt(name)
        with self.db.read() as s:
            user = s.scalar(select(User).where(User.username == name))
            if user is not None:
                _ = user.roles, user.department  # loaded for the main window
                s.expunge(user)
        stored = user.password_hash if user is not None and user.active else stand_in_hash()
        matches, wrap_key = check_password(stored, password or "")  # always: the same work whatever the case
        if locked:
            raise DomainError(
                f"{WRONG}，或该登录名因连续 {MAX_FAILED_LOGINS} 次密码错误已暂停登录，"
                f"请 {LOCK_MINUTES} 分钟后再试或请系统管理员解锁", field="密码")
        if matches and user is not None and user.active:
            # The signing key, unwrapped with the second half of the same argon2id output.
            unlocked = None
            if wrap_key is not None:
                with self.db.read() as s:
                    unlocked = signing.unlock(s, user.id, wrap_key)
            self._logged_in(user, name, password, wrap_key, unlocked)
            return user
        if counted >= MAX_FAILED_LOGINS:
            raise DomainError(
                f"{WRONG}；连续 {MAX_FAILED_LOGINS} 次错误，该登录名暂停登录 {LOCK_MINUTES} 分钟", field="密码")
        left = MAX_FAILED_LOGINS - counted
        raise DomainError(f"{WRONG}（再错 {left} 次将暂停登录 {LOCK_MINUTES} 分钟）", field="密码")

    def _count_attempt(self, name: str) -> tuple[bool, int]:
        """Count an attempt on ``name`` as a failure until it proves right, and check the limit, in one
        write: ``(locked, failures counted)``. The fifth attempt in a row locks the name at once — it
        is still checked, and a right password lifts the lock again — so that no sixth attempt, from
        any workstation, is checked while the fifth is being hashed. An attempt on a locked name is
        not counted. (On PostgreSQL the row is read ``FOR UPDATE``; two first attempts inserting the
        same name at once: the loser of the unique index retries.)"""
        now = clock.now()
        for attempt in range(3):
            try:
                with self.db.write() as s:
                    throttle = s.scalar(select(LoginThrottle).where(LoginThrottle.name == name).with_for_update())
                    if throttle is None:
                        throttle = LoginThrottle(name=name, failures=0)
                        s.add(throttle)
                    if throttle.locked_until is not None and throttle.locked_until <= now:
                        throttle.locked_until = None  # an expired lock-out starts the count afresh
                        throttle.failures = 0
                    if throttle.locked_until is not None:
                        return True, throttle.failures
                    throttle.failures += 1
                    throttle.last_failed_at = now
                    counted = throttle.failures
                    if counted >= MAX_FAILED_LOGINS:
                        throttle.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                        throttle.failures = 0
                    return False, counted
            except Conflict:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _logged_in(self, user: User, name: str, password: str, wrap_key: bytes | None,
                   unlocked: str | None) -> None:
        """A login's write: takes back the attempt counted (and any failures and lock of the name
        before it); a hash of the earlier form (or older parameters) is replaced — its one second
        argon2 computation, once — and the person's signing key is re-wrapped under it, or created
        when they have none yet (their entries until now were signed by the installation key,
        naming them)."""
        upgrade = needs_upgrade(user.password_hash)
        if upgrade:
            stored, wrap_key = credentials(password)  # before the write: argon2 must not hold the lock
        with self.db.write(user) as s:
            _clear_throttle(s, name)
            if upgrade:
                fresh = load_user(s, user.id)
                fresh.password_hash = stored
            if upgrade or unlocked is None:
                keep = signing.unlocked_key(unlocked)
                assert wrap_key is not None
                signing.rekey(s, user.id, wrap_key, keep=keep, unlock=True)

    def lockouts(self, session: Session) -> dict[str, dt.datetime]:
        """Login name → locked until, for the names locked now (for the administrator)."""
        rows = session.execute(select(LoginThrottle.name, LoginThrottle.locked_until)
                               .where(LoginThrottle.locked_until > clock.now()))
        return {name: until for name, until in rows if until is not None}

    def change_password(self, actor: User, old: str, new: str) -> None:
        """The person's own new password. Their signing key is re-wrapped under it — or, on the first
        change after an administrator set the password (a new account, a reset), replaced by a new
        pair: the administrator knew that password, so could have unwrapped the key."""
        if len(old or "") > MAX_PASSWORD_LENGTH:
            raise ValidationError(f"原密码：不能超过 {MAX_PASSWORD_LENGTH} 个字符", field="原密码")
        check_password_rule(new)
        stored, wrap_key = credentials(new)  # before the write: argon2 must not hold the lock
        with self.db.write(actor) as s:
            user = load_user(s, actor.id)
            matches, old_wrap = check_password(user.password_hash, old or "")
            if not matches:
                raise ValidationError("原密码：不正确", field="原密码")
            fresh_pair = user.must_change_password
            keep = None
            if old_wrap is not None:
                keep = signing.unlocked_key(signing.unlock(s, user.id, old_wrap))
            user.password_hash = stored
            user.must_change_password = False
            signing.rekey(s, user.id, wrap_key, keep=None if fresh_pair else keep, unlock=True)

    def update_profile(self, actor: User, user_id: int, *, title: str | None = None, phone: str | None = None,
                       wechat: str | None = None) -> User:
        """Contact details printed on documents (e.g. the investigation letter's footnote).

        Everyone keeps their own; the administrator may correct anyone's.
        """
        if user_id != actor.id:
            require(actor, ADMIN, action="修改他人的联系方式")
        with self.db.write(actor) as s:
            user = load_user(s, user_id)
            if title is not None:
                user.title = validation.text(title, "职务", max_len=40, required=False)
            if phone is not None:
                phone = validation.text(phone, "联系电话", max_len=40, required=False)
                if phone and not all(ch.isdigit() or ch in "-+() " for ch in phone):
                    raise ValidationError("联系电话：只能包含数字、空格和 - + ( )", field="联系电话")
                user.phone = phone
            if wechat is not None:
                user.wechat = validation.text(wechat, "微信号", max_len=60, required=False)
            return user

    # --- administration --------------------------------------------------------------------------

    def create_department(self, actor: User, name: str, kind: str = BUSINESS) -> Department:
        require(actor, ADMIN, action="管理部门")
        name = validation.text(name, "部门名称", max_len=40)
        if kind not in DEPARTMENT_KINDS:
            raise ValidationError(f"类别：没有「{kind}」这个部门类别", field="类别")
        with self.db.write(actor) as s:
            if s.scalar(select(func.count()).where(Department.name == name)):
                raise ValidationError(f"部门名称：「{name}」已存在", field="部门名称")
            dept = Department(name=name, kind=kind)
            s.add(dept)
            s.flush()
            return dept

    def rename_department(self, actor: User, department_id: int, name: str) -> Department:
        require(actor, ADMIN, action="管理部门")
        name = validation.text(name, "部门名称", max_len=40)
        with self.db.write(actor) as s:
            dept = load_or_refuse(s, Department, department_id, "部门", "该部门不存在")
            if name == dept.name:
                raise ValidationError("部门名称：与原名称相同", field="部门名称")
            if s.scalar(select(func.count()).where(Department.name == name, Department.id != dept.id)):
                raise ValidationError(f"部门名称：「{name}」已存在", field="部门名称")
            dept.name = name
            return dept

    def set_department_active(self, actor: User, department_id: int, active: bool) -> Department:
        """停用 / 启用 a department; a department still holding active people cannot be deactivated.
        Nothing is deleted: its records keep naming it."""
        require(actor, ADMIN, action="管理部门")
        with self.db.write(actor) as s:
            dept = load_or_refuse(s, Department, department_id, "部门", "该部门不存在")
            if dept.active == active:
                raise ValidationError(f"部门：「{dept.name}」已{'启用' if active else '停用'}", field="部门")
            if not active:
                members = s.scalar(select(func.count()).where(User.department_id == dept.id, User.active.is_(True)))
                if members:
                    raise ValidationError(f"部门：「{dept.name}」还有 {members} 名在用账号，请先调整他们的部门",
                                          field="部门")
            dept.active = active
            return dept

    def set_user_active(self, actor: User, user_id: int, active: bool) -> User:
        """停用 / 启用 an account. Nothing is ever deleted: the history keeps naming the person; a
        deactivated user cannot log in, and their open session is refused at its next action."""
        require(actor, ADMIN, action="停用或启用账号")
        with self.db.write(actor) as s:
            user = load_user(s, user_id)
            if user.id == actor.id and not active:
                raise ValidationError("账号：不能停用自己的账号", field="账号")
            if user.active == active:
                raise ValidationError(f"账号：「{user.name}」已{'启用' if active else '停用'}", field="账号")
            user.active = active
            return user

    def set_department(self, actor: User, user_id: int, department_id: int | None) -> User:
        require(actor, ADMIN, action="调整人员部门")
        with self.db.write(actor) as s:
            user = load_user(s, user_id)
            if department_id is not None:
                _active_department(s, department_id)
            user.department_id = department_id
            return user

    def create_user(
        self,
        actor: User,
        *,
        username: str,
        name: str,
        password: str,
        roles: Iterable[Role],
        department_id: int | None = None,
        title: str = "",
        phone: str = "",
        wechat: str = "",
    ) -> User:
        require(actor, ADMIN, action="新建用户")
        username = unicodedata.normalize("NFKC", validation.text(username, "用户名", max_len=40))
        name = validation.text(name, "姓名", max_len=40)
        check_password_rule(password)
        codes = _known_roles(roles)
        hashed, wrap_key = credentials(password)  # before the write: argon2 must not hold the write lock
        with self.db.write(actor) as s:
            # the same name in another case or width is the same name to a person reading it
            taken = next((u for u in s.scalars(select(User.username))
                          if unicodedata.normalize("NFKC", u).casefold() == username.casefold()), None)
            if taken is not None and taken != username:
                raise ValidationError(f"用户名：「{username}」与已有的用户名「{taken}」只差大小写或全角半角，"
                                      "容易混淆，请另取一个", field="用户名")
            if s.scalar(select(func.count()).where(User.username == username)):
                raise ValidationError(f"用户名：「{username}」已被使用", field="用户名")
            if department_id is not None:
                _active_department(s, department_id)
            user = User(
                username=username,
                name=name,
                password_hash=hashed,
                department_id=department_id,
                title=validation.text(title, "职务", max_len=40, required=False),
                phone=validation.text(phone, "电话", max_len=40, required=False),
                wechat=validation.text(wechat, "微信号", max_len=60, required=False),
                must_change_password=True,
            )
            user.role_rows = [UserRole(role=code) for code in codes]
            s.add(user)
            s.flush()
            # Unlocked here too: whoever set the password could unwrap it anyway, and the person's
            # first password change replaces the pair (the demo acts as the people it creates).
            signing.rekey(s, user.id, wrap_key, unlock=True)
            return user

    def set_roles(self, actor: User, user_id: int, roles: Iterable[Role]) -> None:
        require(actor, ADMIN, action="分配角色")
        wanted = set(_known_roles(roles))
        with self.db.write(actor) as s:
            user = load_user(s, user_id)
            if user.id == actor.id and ADMIN.value not in wanted:
                raise ValidationError("角色：不能取消自己的系统管理员角色", field="角色")
            user.role_rows = [r for r in user.role_rows if r.role in wanted]
            have = {r.role for r in user.role_rows}
            user.role_rows.extend(UserRole(role=r) for r in sorted(wanted - have))

    def reset_password(self, actor: User, user_id: int, new_password: str) -> None:
        """A new password set by the administrator, and a new signing key pair for the person (the
        old public key stays valid for the entries made under it); the person must change the
        password, which gives them yet another pair the administrator never could unwrap."""
        require(actor, ADMIN, action="重置密码")
        check_password_rule(new_password)
        stored, wrap_key = credentials(new_password)  # before the write: argon2 must not hold the lock
        with self.db.write(actor) as s:
            user = load_user(s, user_id)
            user.password_hash = stored
            user.must_change_password = True
            _clear_throttle(s, user.username)
            signing.rekey(s, user.id, wrap_key)

    def unlock(self, actor: User, user_id: int) -> None:
        """Lift the lock-out of a login name locked now (after five wrong passwords); a name that is
        not locked is refused, not "unlocked"."""
        require(actor, ADMIN, action="解锁账号")
        with self.db.write(actor) as s:
            user = load_user(s, user_id)
            if user.username not in self.lockouts(s):
                raise ValidationError(f"解锁：账号「{user.name}（{user.username}）」未被锁定", field="解锁")
            _clear_throttle(s, user.username)

    def users(self, session: Session, *, include_inactive: bool = False) -> list[User]:
        stmt = select(User).order_by(User.id)
        if not include_inactive:
            stmt = stmt.where(User.active.is_(True))
        return list(session.scalars(stmt))

    def users_with_role(self, session: Session, *roles: Role) -> list[User]:
        stmt = (
            select(User)
            .join(UserRole)
            .where(UserRole.role.in_([r.value for r in roles]), User.active.is_(True))
            .order_by(User.id)
            .distinct()
        )
        return list(session.scalars(stmt))

    def departments(self, session: Session, *, include_inactive: bool = False) -> list[Department]:
        stmt = select(Department).order_by(Department.id)
        if not include_inactive:
            stmt = stmt.where(Department.active.is_(True))
        return list(session.scalars(stmt))


def is_permission_error(exc: Exception) -> bool:
    return isinstance(exc, PermissionDenied)

"""``/api/v1/users``: the admin's user management, and every user's own account and
deputies (``/me``). Who may call what comes from ``service.access.PERMISSIONS``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from service import keyset
from service.actor import Actor
from service.api.deps import MAX_ID, Cursor, Limit, ReadDep, RuntimeDep, WriteDep, permitted
from service.api.once import OnceRoute
from service.api.problems import responses
from service.auth import deputies, service
from service.auth.password_policy import check_policy
from service.auth.schemas import (
    DeputyshipCreate,
    DeputyshipOut,
    Me,
    RolesUpdate,
    TemporaryPassword,
    UserCreate,
    UserOut,
    UserPage,
)
from service.auth.tokens import hash_password
from service.runtime import Runtime

router = APIRouter(prefix="/api/v1/users", tags=["Benutzer"], route_class=OnceRoute)
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
DeputyshipId = Annotated[int, Path(ge=1, le=MAX_ID)]
BY_ID = keyset.Sort("id")
Admin = Annotated[Actor, Depends(permitted("user.manage"))]
Self = Annotated[Actor, Depends(permitted("user.self"))]


def _user_out(row: Any) -> UserOut:
    return UserOut(
        id=row.id,
        username=row.username,
        person_id=row.person_id,
        roles=list(row.roles),
        active=row.active,
        password_change_required=row.must_change_password,
        created_at=row.created_at,
    )


def _deputyship_out(row: Any, runtime: Runtime) -> DeputyshipOut:
    today = deputies.local_today(runtime.now())
    return DeputyshipOut(
        id=row.id,
        deputy_user_id=row.deputy_user_id,
        deputy_username=row.deputy_username,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        current=row.starts_on <= today <= row.ends_on,
    )


# --- the caller's own account (before /{user_id}, which would claim "me") ------------------


@router.get("/me", summary="Eigenes Konto", response_model=Me, responses=responses(401, 403))
def me(runtime: RuntimeDep, connection: ReadDep, actor: Self) -> Me:
    assert actor.user_id is not None
    row = service.get_user(connection, actor.user_id, runtime.body_id)
    own = deputies.deputyships_of(connection, actor.user_id)
    return Me(
        **_user_out(row).model_dump(),
        acts_for=sorted(actor.acts_for),
        deputies=[_deputyship_out(d, runtime) for d in own],
    )


@router.get(
    "/me/deputies",
    summary="Eigene Stellvertretungen auflisten",
    response_model=list[DeputyshipOut],
    responses=responses(401, 403),
)
def my_deputies(runtime: RuntimeDep, connection: ReadDep, actor: Self) -> list[DeputyshipOut]:
    assert actor.user_id is not None
    return [_deputyship_out(d, runtime) for d in deputies.deputyships_of(connection, actor.user_id)]


@router.post(
    "/me/deputies",
    summary="Stellvertretung für einen Zeitraum benennen",
    description="Solange der Zeitraum (ganze Tage, Europe/Berlin) läuft, handelt die "
    "Stellvertretung für Ihre Maßnahmen und erhält Ihre Erinnerungen.",
    response_model=DeputyshipOut,
    status_code=201,
    responses=responses(401, 403, 422),
)
def name_my_deputy(
    body: DeputyshipCreate, runtime: RuntimeDep, connection: WriteDep, actor: Self
) -> DeputyshipOut:
    assert actor.user_id is not None
    return _name_deputy(runtime, connection, actor, actor.user_id, body)


@router.delete(
    "/me/deputies/{deputyship_id}",
    summary="Stellvertretung zurückziehen",
    status_code=204,
    responses=responses(401, 403, 404),
)
def withdraw_my_deputy(
    deputyship_id: DeputyshipId, runtime: RuntimeDep, connection: WriteDep, actor: Self
) -> None:
    assert actor.user_id is not None
    deputies.withdraw(
        runtime, connection, actor, user_id=actor.user_id, deputyship_id=deputyship_id
    )


def _name_deputy(
    runtime: Runtime, connection: WriteDep, actor: Actor, user_id: int, body: DeputyshipCreate
) -> DeputyshipOut:
    new_id = deputies.name_deputy(
        runtime,
        connection,
        actor,
        user_id=user_id,
        deputy_username=body.deputy_username,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
    )
    row = next(d for d in deputies.deputyships_of(connection, user_id) if d.id == new_id)
    return _deputyship_out(row, runtime)


# --- administration ------------------------------------------------------------------------


@router.get(
    "",
    summary="Benutzer auflisten",
    description="Jeder Abruf wird protokolliert (die verknüpften Personen).",
    response_model=UserPage,
    responses=responses(401, 403, 404, 422),
)
def list_users(
    runtime: RuntimeDep,
    admin: Admin,
    active: Annotated[bool | None, Query(description="Nur aktive oder nur deaktivierte.")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> UserPage:
    after = keyset.decode(cursor, BY_ID, int)
    rows, more = service.read_users(
        runtime, admin, after_id=after.id if after else None, limit=limit, active=active
    )
    last = rows[-1] if more else None
    return UserPage(
        items=[_user_out(r) for r in rows],
        next_cursor=keyset.encode(BY_ID, last.id, last.id) if last else None,
    )


@router.post(
    "",
    summary="Benutzer anlegen",
    description="Rollen müssen bekannt sein. Mit `temporary_password` muss der Benutzer bei "
    "der ersten Anmeldung ein eigenes Passwort setzen.",
    response_model=UserOut,
    status_code=201,
    responses=responses(401, 403, 409, 422),
)
def create_user(
    body: UserCreate, runtime: RuntimeDep, connection: WriteDep, admin: Admin, response: Response
) -> UserOut:
    password_hash = None
    if body.temporary_password is not None:
        check_policy(body.temporary_password, body.username, field="temporary_password")
        password_hash = hash_password(body.temporary_password)
    user_id = service.create_user(
        runtime,
        connection,
        admin,
        username=body.username,
        roles=body.roles,
        person_id=body.person_id,
        password_hash=password_hash,
        must_change_password=password_hash is not None,
    )
    response.headers["Location"] = f"{router.prefix}/{user_id}"
    return _user_out(service.get_user(connection, user_id, runtime.body_id))


@router.get(
    "/{user_id}",
    summary="Benutzer lesen",
    description="Jeder Abruf wird protokolliert.",
    response_model=UserOut,
    responses=responses(401, 403, 404),
)
def get_user(user_id: UserId, runtime: RuntimeDep, admin: Admin) -> UserOut:
    return _user_out(service.read_user(runtime, admin, user_id))


@router.post(
    "/{user_id}/deactivate",
    summary="Benutzer deaktivieren",
    description="Die Anmeldung endet sofort, alle Tokens werden widerrufen; der Benutzer "
    "bleibt mit seinem Verlauf erhalten.",
    response_model=UserOut,
    responses=responses(401, 403, 404, 409),
)
def deactivate(user_id: UserId, runtime: RuntimeDep, connection: WriteDep, admin: Admin) -> UserOut:
    return _user_out(service.deactivate(runtime, connection, admin, user_id))


@router.post(
    "/{user_id}/reactivate",
    summary="Benutzer wieder aktivieren",
    response_model=UserOut,
    responses=responses(401, 403, 404),
)
def reactivate(user_id: UserId, runtime: RuntimeDep, connection: WriteDep, admin: Admin) -> UserOut:
    return _user_out(service.reactivate(runtime, connection, admin, user_id))


@router.put(
    "/{user_id}/roles",
    summary="Rollen setzen",
    response_model=UserOut,
    responses=responses(401, 403, 404, 409, 422),
)
def set_roles(
    user_id: UserId, body: RolesUpdate, runtime: RuntimeDep, connection: WriteDep, admin: Admin
) -> UserOut:
    return _user_out(service.set_roles(runtime, connection, admin, user_id, body.roles))


@router.post(
    "/{user_id}/temporary-password",
    summary="Vorläufiges Passwort setzen",
    description="Alle Tokens des Benutzers werden widerrufen; nach der nächsten Anmeldung "
    "muss er ein eigenes Passwort setzen.",
    status_code=204,
    responses=responses(401, 403, 404, 422),
)
def set_temporary_password(
    user_id: UserId,
    body: TemporaryPassword,
    runtime: RuntimeDep,
    connection: WriteDep,
    admin: Admin,
) -> None:
    service.set_temporary_password(runtime, connection, admin, user_id, body.password)


@router.get(
    "/{user_id}/deputies",
    summary="Stellvertretungen eines Benutzers",
    response_model=list[DeputyshipOut],
    responses=responses(401, 403, 404),
)
def user_deputies(
    user_id: UserId, runtime: RuntimeDep, connection: ReadDep, admin: Admin
) -> list[DeputyshipOut]:
    service.read_user(runtime, admin, user_id)
    return [_deputyship_out(d, runtime) for d in deputies.deputyships_of(connection, user_id)]


@router.post(
    "/{user_id}/deputies",
    summary="Stellvertretung für einen Benutzer benennen",
    description="Etwa bei unerwarteter Abwesenheit, wenn der Benutzer es nicht selbst kann.",
    response_model=DeputyshipOut,
    status_code=201,
    responses=responses(401, 403, 404, 422),
)
def name_user_deputy(
    user_id: UserId,
    body: DeputyshipCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    admin: Admin,
) -> DeputyshipOut:
    return _name_deputy(runtime, connection, admin, user_id, body)


@router.delete(
    "/{user_id}/deputies/{deputyship_id}",
    summary="Stellvertretung eines Benutzers zurückziehen",
    status_code=204,
    responses=responses(401, 403, 404),
)
def withdraw_user_deputy(
    user_id: UserId,
    deputyship_id: DeputyshipId,
    runtime: RuntimeDep,
    connection: WriteDep,
    admin: Admin,
) -> None:
    deputies.withdraw(runtime, connection, admin, user_id=user_id, deputyship_id=deputyship_id)

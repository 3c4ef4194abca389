"""``Idempotency-Key`` on every POST of the API, declared once: the routers' route class.

An API router is built with ``APIRouter(..., route_class=OnceRoute)``. Every POST route of
it that writes through ``WriteDep`` then takes the header without a line of its own: the
key is claimed in the route's write transaction before the route acts, and the answer is
stored in that transaction too, so a 2xx and its stored answer commit together. A retry
with the same key and the same request gets the first answer with ``Idempotent-Replayed:
true`` and acts never; the same key with another request is refused (``KeyReused``, 422).

What decides the request (``payload``) is everything the client sent but the key: path,
query, header and body parameters as the route received them. A route that begins its
transaction itself (an upload, a transition) declares ``IdempotencyKeyHeader`` and calls
``respond_once`` there; the route class leaves a route that declares the header alone.
``tests/service/idempotency/test_every_post.py`` fails for a POST route that takes no key.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from functools import cached_property
from typing import Annotated, Any, get_args, get_origin

from fastapi import Request, Response
from fastapi.dependencies.utils import get_typed_signature
from fastapi.encoders import jsonable_encoder
from fastapi.params import Depends
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import TypeAdapter
from starlette.datastructures import UploadFile

from service.api.deps import MaybeSession, RuntimeDep, write_connection
from service.api.idempotency import IdempotencyKeyHeader, respond_once

# The parameters the route class adds; named so that no route's own can clash.
_KEY = "idempotency_key__once"
_REQUEST = "request__once"
_RUNTIME = "runtime__once"
_SESSION = "session__once"
_RESPONSE = "response__once"


class OnceRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {m.upper() for m in kwargs.get("methods") or ()}
        if "POST" in methods and _writes(endpoint) and not _takes_key(endpoint):
            endpoint = _once(endpoint, self)
        super().__init__(path, endpoint, **kwargs)

    def answer(self, result: Any, sub_response: Response) -> Response:
        """What FastAPI would send for ``result``: the response model's JSON, the route's
        status code, and the headers the route set on its ``Response`` parameter."""
        if isinstance(result, Response):
            response = result
        else:
            status = sub_response.status_code or self.status_code or 200
            if result is None or status == 204:
                response = Response(status_code=status)
            else:
                response = Response(
                    self._encode(result), status_code=status, media_type="application/json"
                )
        response.headers.raw.extend(
            (k, v) for k, v in sub_response.headers.raw if k != b"content-length"
        )
        return response

    def _encode(self, result: Any) -> bytes:
        if self.response_model is None:
            return bytes(JSONResponse(jsonable_encoder(result)).body)
        value = self._adapter.validate_python(result, from_attributes=True)
        return self._adapter.dump_json(value, by_alias=True)

    @cached_property
    def _adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.response_model)


def _once(endpoint: Callable[..., Any], route: OnceRoute) -> Callable[..., Any]:
    signature = get_typed_signature(endpoint)
    own = list(signature.parameters.values())
    connection_name = next(p.name for p in own if _is_write(p.annotation))
    # FastAPI hands the request and the response to one parameter each: the route's own
    # where it declares one, else one added here.
    request_name = next((p.name for p in own if p.annotation is Request), _REQUEST)
    response_name = next((p.name for p in own if p.annotation is Response), _RESPONSE)
    added = [
        inspect.Parameter(
            _KEY, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=IdempotencyKeyHeader
        ),
        inspect.Parameter(_RUNTIME, inspect.Parameter.KEYWORD_ONLY, annotation=RuntimeDep),
        inspect.Parameter(_SESSION, inspect.Parameter.KEYWORD_ONLY, annotation=MaybeSession),
    ]
    for name, annotation in ((request_name, Request), (response_name, Response)):
        if name in (_REQUEST, _RESPONSE):
            added.append(
                inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
            )
    parameters = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + added
    mine = [p.name for p in added]

    def prepare(kwargs: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        extra = {name: kwargs.pop(name) for name in mine}
        extra[_REQUEST] = extra.get(_REQUEST) or kwargs[request_name]
        extra[_RESPONSE] = extra.get(_RESPONSE) or kwargs[response_name]
        return extra, _payload(route, kwargs)

    def respond(extra: dict[str, Any], kwargs: dict[str, Any], payload: Any, act: Any) -> Response:
        session = extra[_SESSION]
        return respond_once(
            extra[_RUNTIME],
            kwargs[connection_name],
            session.actor.user_id if session is not None else None,
            extra[_REQUEST],
            extra[_KEY],
            payload=payload,
            act=act,
        )

    wrapper: Callable[..., Any]
    if inspect.iscoroutinefunction(endpoint):
        # An async route's work runs on the event loop; the claim and the stored answer are
        # quick writes on the same transaction and stay there.
        async def wrapper(**kwargs: Any) -> Response:
            extra, payload = prepare(kwargs)
            result = await endpoint(**kwargs)
            return respond(extra, kwargs, payload, lambda: route.answer(result, extra[_RESPONSE]))

    else:

        def wrapper(**kwargs: Any) -> Response:
            extra, payload = prepare(kwargs)
            return respond(
                extra,
                kwargs,
                payload,
                lambda: route.answer(endpoint(**kwargs), extra[_RESPONSE]),
            )

    # FastAPI reads the parameters from ``__signature__``: the route's own and the added.
    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[union-attr]
    for attribute in ("__name__", "__qualname__", "__module__", "__doc__"):
        setattr(wrapper, attribute, getattr(endpoint, attribute, None))
    return wrapper


def _payload(route: OnceRoute, kwargs: dict[str, Any]) -> Any:
    """Everything the client sent that the route received, the key aside."""
    dependant = route.dependant
    sent = [
        *dependant.path_params,
        *dependant.query_params,
        *dependant.header_params,
        *dependant.cookie_params,
        *dependant.body_params,
    ]
    return {f.name: _sent(kwargs[f.name]) for f in sent if f.name in kwargs}


def _sent(value: Any) -> Any:
    if isinstance(value, UploadFile):
        # A file by its name and content: the same key with another file is another request.
        content = value.file.read()
        value.file.seek(0)
        return {"filename": value.filename, "sha256": hashlib.sha256(content).hexdigest()}
    return jsonable_encoder(value)


def _writes(endpoint: Callable[..., Any]) -> bool:
    return any(_is_write(p.annotation) for p in get_typed_signature(endpoint).parameters.values())


def _takes_key(endpoint: Callable[..., Any]) -> bool:
    return any(
        p.annotation == IdempotencyKeyHeader
        for p in get_typed_signature(endpoint).parameters.values()
    )


def _is_write(annotation: Any) -> bool:
    if get_origin(annotation) is not Annotated:
        return False
    return any(
        isinstance(m, Depends) and m.dependency is write_connection for m in get_args(annotation)
    )

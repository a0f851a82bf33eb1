"""Sign-up, sign-in and sign-out: the JSON API and the browser forms.

The pages /login and /signup post plain HTML forms here (they work without
JavaScript and let password managers do their job); the answer is a 303 that
sets the HttpOnly session cookie and goes on to a page of this site. The
Reflex websocket reads that cookie when the next page connects.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse

from finucity.api import cookies
from finucity.api.deps import Caller, base_actor, current_caller, optional_caller
from finucity.api.errors import ApiError
from finucity.api.schemas import AuthResponse, LoginRequest, Ok, ResetPasswordRequest, SignupRequest, UserOut
from finucity.config import get_settings
from finucity.models import User
from finucity.services import accounts, password_resets, security
from finucity.services.errors import ServiceError
from finucity.web.cookies import FLASH_COOKIE, SESSION_COOKIE

router = APIRouter(tags=["auth"])
forms = APIRouter(include_in_schema=False)


def user_out(user: User) -> UserOut:
    return UserOut(
        id=str(user.id),
        email=user.email,
        full_name=user.full_name,
        first_name=user.first_name,
        role=user.role,
        created_at=user.created_at.isoformat(),
        theme=accounts.theme_of(user),
    )


def _check_origin(request: Request) -> None:
    """Refuse cross-site posts that would sign the browser in or out (login CSRF)."""
    origin = request.headers.get("origin")
    if origin and origin.rstrip("/") not in get_settings().origins and origin != _own_origin(request):
        raise ApiError(403, "This request came from another site and was refused.")


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


async def _end_previous_session(request: Request) -> None:
    """No fixation: the session the browser held before signing in (planted or not) ends."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        resolved = await accounts.resolve_session(token)
        actor = base_actor(request)
        await accounts.sign_out(actor.as_user(resolved[0]) if resolved else actor, token)


def _signed_in_response(result: accounts.SignedIn, status: int = 200) -> JSONResponse:
    body = AuthResponse(user=user_out(result.user), csrf_token=result.csrf_token)
    response = JSONResponse(body.model_dump(), status_code=status)
    cookies.set_session_cookie(response, result.token)
    return response


# --- JSON API ------------------------------------------------------------------------------


@router.post("/auth/signup", response_model=AuthResponse, status_code=201)
async def api_signup(body: SignupRequest, request: Request):
    """Create an account (role `user`) and sign in: sets the session cookie."""
    _check_origin(request)
    result = await accounts.sign_up(
        base_actor(request), email=body.email, password=body.password, full_name=body.full_name
    )
    await _end_previous_session(request)
    return _signed_in_response(result, status=201)


@router.post("/auth/login", response_model=AuthResponse)
async def api_login(body: LoginRequest, request: Request):
    """Sign in: sets the HttpOnly session cookie and returns the CSRF token."""
    _check_origin(request)
    result = await accounts.sign_in(base_actor(request), email=body.email, password=body.password)
    await _end_previous_session(request)
    return _signed_in_response(result)


@router.post("/auth/logout", response_model=Ok)
async def api_logout(request: Request, caller: Caller | None = Depends(optional_caller)):
    """End the cookie session on the server. Idempotent."""
    if caller is not None and caller.via == "cookie":
        if not security.csrf_matches(caller.session_id or "", request.headers.get("x-csrf-token")):
            raise ApiError(403, "Missing or invalid CSRF token. Send the X-CSRF-Token header from /api/auth/me.")
        await accounts.sign_out(caller.actor, request.cookies.get(SESSION_COOKIE))
    response = JSONResponse(Ok().model_dump())
    cookies.clear_session_cookie(response)
    return response


@router.post("/auth/reset-password", response_model=Ok)
async def api_reset_password(body: ResetPasswordRequest, request: Request):
    """Set a password with a one-time link's token (imported accounts get one from
    `import-legacy`). Every session of the account ends; sign in afterwards."""
    await password_resets.reset_password(base_actor(request), token=body.token, password=body.password)
    return Ok()


@router.get("/auth/me", response_model=AuthResponse)
async def api_me(caller: Caller = Depends(current_caller)):
    """The signed-in user, and the CSRF token of a cookie session."""
    user = await accounts.get_user(caller.actor.user_id)
    if user is None:
        raise ApiError(401, "Please sign in.")
    return AuthResponse(user=user_out(user), csrf_token=caller.csrf_token)


# --- browser forms ------------------------------------------------------------------------------


def _redirect(request: Request, path: str, params: dict | None = None) -> RedirectResponse:
    """A 303 to a page of this site, on the origin the form was posted from.

    In development the pages come from another port than this backend, so a
    bare path would land on the backend; the form's own allowed Origin fixes that.
    """
    origin = (request.headers.get("origin") or "").rstrip("/")
    base = origin if origin in get_settings().origins else ""
    query = f"?{urlencode(params)}" if params else ""
    return RedirectResponse(f"{base}{path}{query}", status_code=303)


async def _form_sign_in(request: Request, form: str, next_path: str, kept: dict[str, str], sign_in) -> RedirectResponse:
    """Run `sign_in()`; on success set the cookie and go on to `next_path`,
    on failure go back to the form with the message and what was typed (`kept`)."""
    target = security.safe_next_path(next_path)
    try:
        _check_origin(request)
        result = await sign_in()
    except (ServiceError, ApiError) as exc:
        response = _redirect(request, f"/{form}", {"next": target})
        cookies.set_flash(response, form, exc.message, {**kept, "field": getattr(exc, "field", None) or ""})
        return response
    await _end_previous_session(request)
    response = _redirect(request, target)
    cookies.set_session_cookie(response, result.token)
    response.delete_cookie(FLASH_COOKIE, path="/")
    return response


@forms.post("/auth/login")
async def form_login(request: Request, email: str = Form(""), password: str = Form(""), next: str = Form("/chat")):
    return await _form_sign_in(
        request,
        "login",
        next,
        {"email": email[:254]},
        lambda: accounts.sign_in(base_actor(request), email=email, password=password),
    )


@forms.post("/auth/signup")
async def form_signup(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    full_name: str = Form(""),
    next: str = Form("/chat"),
):
    return await _form_sign_in(
        request,
        "signup",
        next,
        {"email": email[:254], "full_name": full_name[:200]},
        lambda: accounts.sign_up(base_actor(request), email=email, password=password, full_name=full_name),
    )


@forms.post("/auth/reset-password")
async def form_reset_password(request: Request, token: str = Form(""), password: str = Form("")):
    try:
        _check_origin(request)
        user = await password_resets.reset_password(base_actor(request), token=token, password=password)
    except (ServiceError, ApiError) as exc:
        response = _redirect(request, "/reset-password", {"token": token[:200]})
        cookies.set_flash(response, "reset", exc.message, {"field": getattr(exc, "field", None) or ""})
        return response
    response = _redirect(request, "/login", {"password_set": "1", "email": user.email})
    response.delete_cookie(FLASH_COOKIE, path="/")
    return response


@forms.post("/auth/logout")
async def form_logout(request: Request):
    try:
        _check_origin(request)
    except ApiError:
        return _redirect(request, "/chat")
    token = request.cookies.get(SESSION_COOKIE)
    resolved = await accounts.resolve_session(token)
    actor = base_actor(request)
    if resolved is not None:
        actor = actor.as_user(resolved[0])
    await accounts.sign_out(actor, token)
    response = _redirect(request, "/login", {"signed_out": "1"})
    cookies.clear_session_cookie(response)
    return response

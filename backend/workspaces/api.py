"""REST endpoints for authentication, workspaces and members. Thin: services do the work."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.serializers import RequestSerializer, SlugTextField, TextField, WholeNumberField
from backend.api.throttling import SignInAttempt
from backend.errors import NotFoundError, UserError
from backend.workspaces import selectors, services, tokens
from backend.workspaces.models import AuthToken, Membership, Role, Workspace


class UserSerializer(serializers.ModelSerializer):
    """A user as other members see them (never the password)."""

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "first_name", "last_name", "email"]


class CredentialsSerializer(serializers.Serializer):
    """Username and password."""

    username = TextField()
    password = TextField(write_only=True, trim_whitespace=False)


class TokenRequestSerializer(CredentialsSerializer):
    """Username and password, and optionally what to call the token."""

    name = TextField(
        max_length=100, required=False, help_text="a label for the token; default: the date"
    )


class AuthTokenSerializer(serializers.ModelSerializer):
    """One of the caller's API tokens (never its key)."""

    current = serializers.SerializerMethodField(
        help_text="whether this is the token the request was made with"
    )

    class Meta:
        model = AuthToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "current"]
        read_only_fields = fields

    def get_current(self, token: AuthToken) -> bool:
        request = self.context.get("request")
        used = getattr(request, "auth", None) if request is not None else None
        return isinstance(used, AuthToken) and used.pk == token.pk


class AuthTokenCreatedSerializer(AuthTokenSerializer):
    """A token just made, with its key: shown this once, never again."""

    token = serializers.CharField(
        source="key", read_only=True, help_text="send as 'Authorization: Token <token>'"
    )

    class Meta(AuthTokenSerializer.Meta):
        fields = [*AuthTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class AuthTokenCreateSerializer(serializers.Serializer):
    """A new token's label and, optionally, a shorter life than the configured one."""

    name = TextField(max_length=100)
    expires_in_hours = WholeNumberField(
        min_value=1,
        max_value=24 * 366 * 10,
        required=False,
        help_text="hours until it expires; default and most: TOKEN_TTL_HOURS",
    )


def _created(token: AuthToken, key: str) -> Any:
    token.key = key  # type: ignore[attr-defined]
    return AuthTokenCreatedSerializer(token).data


def _authenticate(
    request: Request, shape: type[CredentialsSerializer] = CredentialsSerializer
) -> tuple[Any, dict[str, Any]]:
    """The user the request's credentials (validated as `shape`) sign in, and those data;
    failures are counted, and refused with 429 once too many (backend/api/throttling.py)."""
    data = shape(data=request.data)
    data.is_valid(raise_exception=True)
    attempt = SignInAttempt(request, data.validated_data["username"])
    attempt.check()
    user = authenticate(
        request._request,
        username=data.validated_data["username"],
        password=data.validated_data["password"],
    )
    if user is None or not user.is_active:
        raise UserError("wrong username or password", field="password", code="invalid_credentials")
    attempt.succeeded()
    return user, data.validated_data


THROTTLED = OpenApiResponse(
    description="too many failed sign-ins from this address or for this username; "
    "Retry-After says how many seconds to wait"
)
WRONG_CREDENTIALS = OpenApiResponse(description="wrong username or password, or a field missing")


class CredentialsView(APIView):
    """Base for the endpoints that take a username and password instead of authenticating."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class TokenView(CredentialsView):
    """POST username and password, get a new API token for ``Authorization: Token <key>``.

    Each call makes another token, which expires after ``TOKEN_TTL_HOURS``; list and revoke
    them at auth/tokens/. Failed attempts are throttled per address and per username (429).
    """

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: AuthTokenCreatedSerializer, 400: WRONG_CREDENTIALS, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        user, data = _authenticate(request, TokenRequestSerializer)
        name = data.get("name") or f"signed in {timezone.now():%Y-%m-%d %H:%M} UTC"
        token, key = tokens.token_create(user=user, name=name)
        return Response(_created(token, key))


class LoginView(CredentialsView):
    """Sign in with a session cookie (the browser app); CSRF-protected, throttled like tokens."""

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: UserSerializer, 400: WRONG_CREDENTIALS, 403: None, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        # DRF's check, so that a refusal is a JSON 403 (Django's csrf_protect answers HTML).
        SessionAuthentication().enforce_csrf(request)
        user, _ = _authenticate(request)
        login(request._request, user)
        return Response(UserSerializer(user).data)


class LogoutView(APIView):
    """End the session, and revoke the API token the request was made with, if any."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            tokens.token_revoke(token=request.auth)
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuthTokenListView(GenericAPIView):
    """List the caller's live API tokens; make one (its key is in the answer, only there)."""

    @extend_schema(responses=AuthTokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(tokens.token_list(user=request.user))
        data = AuthTokenSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(request=AuthTokenCreateSerializer, responses={201: AuthTokenCreatedSerializer})
    def post(self, request: Request) -> Response:
        data = AuthTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hours = data.validated_data.get("expires_in_hours")
        token, key = tokens.token_create(
            user=request.user,
            name=data.validated_data["name"],
            lifetime=timedelta(hours=hours) if hours else None,
        )
        return Response(_created(token, key), status=status.HTTP_201_CREATED)


class AuthTokenDetailView(APIView):
    """Revoke one of the caller's tokens (another user's is 404)."""

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="not your token")})
    def delete(self, request: Request, token_id: int) -> Response:
        tokens.token_revoke(token=tokens.token_get(user=request.user, token_id=token_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(ensure_csrf_cookie, name="get")
class MeView(APIView):
    """Who is signed in; also sets the CSRF cookie the browser app sends back."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: UserSerializer, 401: None})
    def get(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            return Response(
                {"message": "not signed in", "code": "not_authenticated"},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        return Response(UserSerializer(request.user).data)


class WorkspaceSerializer(serializers.ModelSerializer):
    """A workspace and the caller's role in it."""

    role = serializers.SerializerMethodField()
    name = TextField(max_length=120)
    slug = SlugTextField(required=False, max_length=64)

    class Meta:
        model = Workspace
        fields = ["id", "name", "slug", "role", "created_at"]
        read_only_fields = ["id", "role", "created_at"]

    def get_role(self, workspace: Workspace) -> str | None:
        role = getattr(workspace, "current_role", None)
        if role is None and "request" in self.context:
            membership = selectors.membership_get(
                user=self.context["request"].user, workspace=workspace
            )
            role = membership.role if membership else None
        return role


class WorkspaceUpdateSerializer(RequestSerializer):
    """Rename a workspace (its slug stays: links to it keep working)."""

    name = TextField(required=False, max_length=120)


class WorkspaceListView(GenericAPIView):
    """List the caller's workspaces; create one (the caller becomes its owner)."""

    @extend_schema(responses=WorkspaceSerializer(many=True))
    def get(self, request: Request) -> Response:
        queryset = selectors.workspace_list(user=request.user).order_by("name", "id")
        page = self.paginate_queryset(queryset)
        data = WorkspaceSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(request=WorkspaceSerializer, responses={201: WorkspaceSerializer})
    def post(self, request: Request) -> Response:
        data = WorkspaceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workspace = services.workspace_create(
            name=data.validated_data["name"],
            slug=data.validated_data.get("slug"),
            owner=request.user,
        )
        workspace.current_role = Role.OWNER  # type: ignore[attr-defined]
        return Response(WorkspaceSerializer(workspace).data, status=status.HTTP_201_CREATED)


class WorkspaceDetailView(APIView):
    """Read (members), rename and delete (owners) a workspace."""

    @extend_schema(responses=WorkspaceSerializer)
    def get(self, request: Request, slug: str) -> Response:
        workspace = selectors.access_workspace(user=request.user, slug=slug)
        return Response(WorkspaceSerializer(workspace).data)

    @extend_schema(request=WorkspaceUpdateSerializer, responses=WorkspaceSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        workspace = selectors.access_workspace(user=request.user, slug=slug, role=Role.OWNER)
        data = WorkspaceUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "name" in data.validated_data:
            services.workspace_update(workspace=workspace, name=data.validated_data["name"])
        return Response(WorkspaceSerializer(workspace).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str) -> Response:
        workspace = selectors.access_workspace(user=request.user, slug=slug, role=Role.OWNER)
        services.workspace_delete(workspace=workspace)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberSerializer(serializers.ModelSerializer):
    """A member: the user and their role."""

    user = UserSerializer(read_only=True)
    username = TextField(write_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["user", "username", "role", "created_at"]
        read_only_fields = ["created_at"]


class RoleSerializer(RequestSerializer):
    """A new role for a member."""

    role = serializers.ChoiceField(choices=Role.choices)


class MemberListView(GenericAPIView):
    """List members (any member); add one (owners)."""

    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        workspace = selectors.access_workspace(user=request.user, slug=slug)
        page = self.paginate_queryset(selectors.member_list(workspace=workspace))
        return self.get_paginated_response(MemberSerializer(page, many=True).data)

    @extend_schema(request=MemberSerializer, responses={201: MemberSerializer})
    def post(self, request: Request, slug: str) -> Response:
        workspace = selectors.access_workspace(user=request.user, slug=slug, role=Role.OWNER)
        data = MemberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.member_add(
            workspace=workspace,
            username=data.validated_data["username"],
            role=data.validated_data["role"],
        )
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    """Change a member's role or remove them (owners)."""

    def _membership(self, request: Request, slug: str, username: str) -> Membership:
        workspace = selectors.access_workspace(user=request.user, slug=slug, role=Role.OWNER)
        membership = (
            selectors.member_list(workspace=workspace).filter(user__username=username).first()
        )
        if membership is None:
            raise NotFoundError(f"'{username}' is not a member of this workspace", field="username")
        return membership

    @extend_schema(request=RoleSerializer, responses=MemberSerializer)
    def patch(self, request: Request, slug: str, username: str) -> Response:
        membership = self._membership(request, slug, username)
        data = RoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.member_change_role(
            membership=membership, role=data.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, username: str) -> Response:
        services.member_remove(membership=self._membership(request, slug, username))
        return Response(status=status.HTTP_204_NO_CONTENT)

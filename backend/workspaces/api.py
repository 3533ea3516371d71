"""REST endpoints for authentication, workspaces and members. Thin: services do the work."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.errors import NotFoundError, UserError
from backend.workspaces import selectors, services
from backend.workspaces.models import Membership, Role, Workspace


class UserSerializer(serializers.ModelSerializer):
    """A user as other members see them (never the password)."""

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "first_name", "last_name", "email"]


class CredentialsSerializer(serializers.Serializer):
    """Username and password."""

    username = serializers.CharField()
    password = serializers.CharField(write_only=True, trim_whitespace=False)


def _authenticate(request: Request) -> Any:
    data = CredentialsSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    user = authenticate(
        request._request,
        username=data.validated_data["username"],
        password=data.validated_data["password"],
    )
    if user is None or not user.is_active:
        raise UserError("wrong username or password", field="password", code="invalid_credentials")
    return user


class CredentialsView(APIView):
    """Base for the endpoints that take a username and password instead of authenticating."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class TokenView(CredentialsView):
    """POST username and password, get the API token for ``Authorization: Token <key>``."""

    @extend_schema(
        request=CredentialsSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        user = _authenticate(request)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class LoginView(CredentialsView):
    """Sign in with a session cookie (the browser app); CSRF-protected."""

    @extend_schema(request=CredentialsSerializer, responses=UserSerializer)
    def post(self, request: Request) -> Response:
        # DRF's check, so that a refusal is a JSON 403 (Django's csrf_protect answers HTML).
        SessionAuthentication().enforce_csrf(request)
        user = _authenticate(request)
        login(request._request, user)
        return Response(UserSerializer(user).data)


class LogoutView(APIView):
    """End the session."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(ensure_csrf_cookie, name="get")
class MeView(APIView):
    """Who is signed in; also sets the CSRF cookie the browser app sends back."""

    permission_classes = [AllowAny]

    @extend_schema(responses=UserSerializer)
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
    slug = serializers.SlugField(required=False, max_length=64)

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

    @extend_schema(request=WorkspaceSerializer, responses=WorkspaceSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        workspace = selectors.access_workspace(user=request.user, slug=slug, role=Role.OWNER)
        data = WorkspaceSerializer(workspace, data=request.data, partial=True)
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
    username = serializers.CharField(write_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["user", "username", "role", "created_at"]
        read_only_fields = ["created_at"]


class RoleSerializer(serializers.Serializer):
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

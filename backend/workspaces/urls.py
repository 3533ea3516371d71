"""Routes for authentication, workspaces and members (under /api/v1/)."""

from django.urls import path

from backend.workspaces import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/login/", api.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", api.LogoutView.as_view(), name="auth-logout"),
    path("auth/me/", api.MeView.as_view(), name="auth-me"),
    path("auth/tokens/", api.AuthTokenListView.as_view(), name="auth-token-list"),
    path(
        "auth/tokens/<int:token_id>/", api.AuthTokenDetailView.as_view(), name="auth-token-detail"
    ),
    path("workspaces/", api.WorkspaceListView.as_view(), name="workspace-list"),
    path("workspaces/<slug:slug>/", api.WorkspaceDetailView.as_view(), name="workspace-detail"),
    path("workspaces/<slug:slug>/members/", api.MemberListView.as_view(), name="member-list"),
    path(
        "workspaces/<slug:slug>/members/<str:username>/",
        api.MemberDetailView.as_view(),
        name="member-detail",
    ),
]

from __future__ import annotations

from django.urls import path

from xiaoyou.console.context import require_console_access
from xiaoyou.console.views import audit, console, reviews

app_name = "console"
urlpatterns = [
    path("", console.dashboard, name="dashboard"),
    path("org", console.switch_org, name="switch_org"),
    path("search", console.search, name="search"),
    path("audit/", audit.audit_list, name="audit"),
    path("audit/<int:pk>/", audit.audit_detail, name="audit_detail"),
    path("todos/", reviews.review_list, name="reviews"),
    path("todos/bulk", reviews.review_bulk, name="review_bulk"),
    path("todos/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("todos/<int:pk>/decide", reviews.review_decide, name="review_decide"),
]

# Every console page needs a signed-in staff administrator (or a platform operator); the
# views' own checks (policy, per-page rights) come on top. Keep this line last.
require_console_access(urlpatterns)

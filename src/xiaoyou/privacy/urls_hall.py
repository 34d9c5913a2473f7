from __future__ import annotations

from django.urls import path

from xiaoyou.privacy.views import hall

# Mounted at /privacy/ in the hall's namespace (hall:privacy...).
urlpatterns = [
    path("", hall.center, name="privacy"),
    path("consent", hall.consent_change, name="privacy_consent"),
    path("policy/", hall.policy, name="privacy_policy"),
    path("policy/<str:kind>/<str:version>/", hall.policy, name="privacy_policy_version"),
    path("accept/", hall.reconsent, name="privacy_reconsent"),
    path("export", hall.export_create, name="privacy_export"),
    path("export/<str:token>.<str:fmt>", hall.export_download, name="privacy_export_download"),
    path("delete/", hall.account_delete, name="privacy_delete"),
    path("delete/code", hall.account_delete_code, name="privacy_delete_code"),
    path("deleted/", hall.deleted, name="privacy_deleted"),
]

"""Hall pages of discovery, included under /jobs/ ("hall" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.discovery.views import hall

urlpatterns = [
    path("", hall.job_board, name="discovery_jobs"),
    path("new", hall.job_create, name="discovery_job_create"),
    path("mine/", hall.my_jobs, name="discovery_my_jobs"),
    path("<int:pk>/", hall.job_detail, name="discovery_job"),
    path("<int:pk>/applications/", hall.job_applications, name="discovery_job_applications"),
    path("<int:pk>/close", hall.job_close, name="discovery_job_close"),
    path("applications/<int:pk>/resume", hall.resume_download, name="discovery_resume"),
    # 校友企业 (under /jobs/enterprises/: the directory sits next to the job board)
    path("enterprises/", hall.enterprise_directory, name="discovery_enterprises"),
    path("enterprises/new", hall.enterprise_register, name="discovery_enterprise_register"),
]

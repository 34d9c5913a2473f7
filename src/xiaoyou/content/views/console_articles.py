"""Console: articles (文章管理) of the current organization and below, and the ones the user
submitted from a sub-organization: list with filters and bulk pin / recommend / delete /
restore, the edit form (editor, cover, publish now / later / submit), attachments, revision
history with restore, comment moderation; and the categories.

console/urls.py wraps every view in console_required; articles are looked up through the
policy-scoped selector, so another organization's article is a 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.content import policy_articles
from xiaoyou.content import selectors_articles as selectors
from xiaoyou.content.forms_articles import (
    PUBLISH_LATER,
    PUBLISH_NOW,
    SUBMIT,
    ArticleForm,
    AttachmentForm,
    CategoryForm,
)
from xiaoyou.content.models import (
    Article,
    ArticleAttachment,
    ArticleCategory,
    ArticleRevision,
    ArticleStatus,
)
from xiaoyou.content.services import article_comments, article_files
from xiaoyou.content.services import articles as services
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import BulkAction, Column, DataTable, Filter
from xiaoyou.organizations.selectors import administered_organizations

COMMENTS_PER_PAGE = 50
BULK_ACTIONS = ("pin", "unpin", "recommend", "unrecommend", "delete", "restore")


def _article(request: HttpRequest, pk: int) -> Article:
    article = selectors.article_console(request.user, pk)
    if article is None:
        raise Http404
    return article


def _edit_url(article: Article) -> str:
    return reverse("console:content_article_edit", args=[article.pk])


def _table(request: HttpRequest) -> DataTable:
    base = selectors.articles_console(request.user)
    queryset = in_current_org(base, request) | base.filter(created_by_id=request.user.pk)
    orgs = list(administered_organizations(request.user).order_by("path")[:200])
    categories = list(selectors.categories_console(request.user)[:200])
    return DataTable(
        request,
        queryset,
        columns=[
            Column("title", gettext_lazy("Title"), sort="title", link=_edit_url),
            Column("org__name", gettext_lazy("Organization"), sort="org__path"),
            Column(
                "category",
                gettext_lazy("Category"),
                accessor=lambda article: article.category.name if article.category_id else "",
            ),
            Column(
                "status",
                gettext_lazy("Status"),
                accessor=lambda article: article.get_status_display(),
                badge=True,
            ),
            Column(
                "flags",
                gettext_lazy("Pinned / recommended"),
                accessor=lambda article: " ".join(
                    label
                    for flag, label in (
                        (article.is_pinned, _("Pinned")),
                        (article.is_recommended, _("Recommended")),
                    )
                    if flag
                ),
            ),
            Column("view_count", gettext_lazy("Views"), sort="view_count", align="num"),
            Column("published_at", gettext_lazy("Published"), sort="published_at"),
            Column("updated_at", gettext_lazy("Updated"), sort="updated_at"),
        ],
        filters=[
            Filter(
                "org",
                gettext_lazy("Organization"),
                kind="select",
                lookup="org_id",
                choices=[(str(org.pk), org.name) for org in orgs],
            ),
            Filter(
                "category",
                gettext_lazy("Category"),
                kind="select",
                lookup="category_id",
                choices=[(str(category.pk), category.name) for category in categories],
            ),
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=ArticleStatus.choices,
            ),
        ],
        search_fields=["title", "source", "author_name"],
        search_placeholder=gettext_lazy("Title, source or author"),
        default_sort="-updated_at",
        bulk_actions=[
            BulkAction("pin", gettext_lazy("Pin")),
            BulkAction("unpin", gettext_lazy("Unpin")),
            BulkAction("recommend", gettext_lazy("Recommend")),
            BulkAction("unrecommend", gettext_lazy("Stop recommending")),
            BulkAction("delete", gettext_lazy("Delete"), is_destructive=True),
            BulkAction("restore", gettext_lazy("Restore")),
        ],
        bulk_url=reverse("console:content_article_bulk"),
        empty_title=gettext_lazy("No articles yet"),
        empty_text=gettext_lazy("Write the first article of your organization."),
    )


def article_list(request: HttpRequest) -> HttpResponse:
    """文章管理: articles of the current organization and its sub-organizations."""
    return render(
        request,
        "content/console/article_list.html",
        {"table": _table(request), "org": current_org(request)},
    )


@require_POST
def article_bulk(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("console:content_articles")
    chosen = list(_table(request).selected())
    if not chosen:
        messages.error(request, _("Choose at least one article."))
        return redirect("console:content_articles")
    done = 0
    for article in chosen:
        try:
            if action in ("pin", "unpin"):
                services.article_pin(actor=request.user, article=article, pinned=action == "pin")
            elif action in ("recommend", "unrecommend"):
                services.article_recommend(
                    actor=request.user, article=article, recommended=action == "recommend"
                )
            elif action == "delete":
                services.article_delete(actor=request.user, article=article)
            elif article.status == ArticleStatus.DELETED:
                services.article_restore(actor=request.user, article=article)
            else:
                continue
        except (ApplicationError, PermissionDenied):
            continue
        done += 1
    messages.success(request, _("%(count)s article(s) changed.") % {"count": done})
    return redirect("console:content_articles")


def _editor_labels() -> dict[str, str]:
    return {
        "bold": _("Bold"),
        "italic": _("Italic"),
        "underline": _("Underline"),
        "heading": _("Heading"),
        "subheading": _("Subheading"),
        "paragraph": _("Paragraph"),
        "bullets": _("Bulleted list"),
        "numbers": _("Numbered list"),
        "quote": _("Quote"),
        "link": _("Link"),
        "image": _("Image"),
        "clear": _("Clear formatting"),
        "source": _("Edit the HTML"),
        "link_prompt": _("Address of the link"),
        "image_prompt": _("Address of the image"),
    }


def _categories_for(org: Any) -> list[ArticleCategory]:
    return list(selectors.categories_for(org)) if org is not None else []


def _save_and_publish(
    request: HttpRequest, article: Article, mode: str, form: ArticleForm
) -> Article:
    publish_at = form.cleaned_data.get("publish_at")
    if mode == PUBLISH_NOW:
        article = services.article_publish(actor=request.user, article=article)
        messages.success(request, _("Article published."))
    elif mode == PUBLISH_LATER:
        if publish_at is None:
            raise ApplicationError("article_publish_at_past")
        article = services.article_schedule(
            actor=request.user, article=article, publish_at=publish_at
        )
        messages.success(request, _("Article scheduled."))
    elif mode == SUBMIT:
        article = services.article_submit_for_review(
            actor=request.user, article=article, publish_at=publish_at
        )
        messages.success(request, _("Article submitted for review."))
    else:
        messages.success(request, _("Saved."))
    return article


def article_create(request: HttpRequest) -> HttpResponse:
    orgs = selectors.writable_organizations(request.user)
    if not orgs:
        raise PermissionDenied
    chosen_id = request.POST.get("org") or (current_org(request) or orgs[0]).pk
    org = next((item for item in orgs if str(item.pk) == str(chosen_id)), orgs[0])
    form = ArticleForm(
        request.POST or None,
        request.FILES or None,
        orgs=orgs,
        categories=_categories_for(org),
        initial={"org": org.pk, "allows_comments": True},
    )
    # The editor script shows "Submit for review" instead of the publish buttons when an
    # organization the user only writes for (a parent of theirs) is chosen.
    form.fields["org"].widget.attrs["data-managed"] = json.dumps(
        [item.pk for item in orgs if policy_articles.manages(request.user, item)]
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("org")
        data.pop("publish_at")
        mode = request.POST.get("mode", "")
        if mode in (PUBLISH_NOW, PUBLISH_LATER) and not policy_articles.manages(request.user, org):
            mode = SUBMIT
        try:
            article = services.article_create(actor=request.user, org=org, **data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            try:
                _save_and_publish(request, article, mode, form)
            except ApplicationError as error:
                messages.error(request, error.text())
            return redirect("console:content_article_edit", pk=article.pk)
    return render(
        request,
        "content/console/article_form.html",
        {
            "form": form,
            "article": None,
            "manages": policy_articles.manages(request.user, org),
            "editor_labels": _editor_labels(),
        },
    )


def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    may_edit = policy.can(request.user, "edit", article)
    form = ArticleForm(
        request.POST or None,
        request.FILES or None,
        categories=_categories_for(article.org),
        initial={
            "category": article.category_id,
            "title": article.title,
            "source": article.source,
            "author_name": article.author_name,
            "body": article.body,
            "allows_comments": article.allows_comments,
            "publish_at": article.publish_at,
        },
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("publish_at")
            try:
                article = services.article_update(actor=request.user, article=article, **data)
                _save_and_publish(request, article, request.POST.get("mode", ""), form)
            except ApplicationError as error:
                form.add_error(None, error.text())
            else:
                return redirect("console:content_article_edit", pk=article.pk)
    return render(
        request,
        "content/console/article_form.html",
        {
            "form": form,
            "article": article,
            "may_edit": may_edit,
            "manages": policy_articles.manages(request.user, article.org),
            "attachments": list(article.attachments.all()),
            "attachment_form": AttachmentForm(),
            "editor_labels": _editor_labels(),
        },
    )


@require_POST
def article_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete, restore, pin, unpin, recommend, stop recommending, publish now."""
    article = _article(request, pk)
    action = request.POST.get("action", "")
    handlers = {
        "delete": lambda: services.article_delete(actor=request.user, article=article),
        "restore": lambda: services.article_restore(actor=request.user, article=article),
        "publish": lambda: services.article_publish(actor=request.user, article=article),
        "pin": lambda: services.article_pin(actor=request.user, article=article, pinned=True),
        "unpin": lambda: services.article_pin(actor=request.user, article=article, pinned=False),
        "recommend": lambda: services.article_recommend(
            actor=request.user, article=article, recommended=True
        ),
        "unrecommend": lambda: services.article_recommend(
            actor=request.user, article=article, recommended=False
        ),
    }
    handler = handlers.get(action)
    if handler is None:
        messages.error(request, _("Unknown action."))
        return redirect(_edit_url(article))
    try:
        handler()
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Saved."))
    return redirect(_edit_url(article))


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect(_edit_url(article))
    try:
        article_files.attachment_add(
            actor=request.user, article=article, upload=form.cleaned_data["file"]
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Attachment added."))
    return redirect(_edit_url(article))


@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = ArticleAttachment.objects.select_related("article").filter(pk=pk).first()
    if attachment is None or selectors.article_console(request.user, attachment.article_id) is None:
        raise Http404
    article_files.attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("Attachment removed."))
    return redirect(_edit_url(attachment.article))


def revision_list(request: HttpRequest, pk: int) -> HttpResponse:
    """修订记录: every saved version, newest first, each shown whole (no diff)."""
    article = _article(request, pk)
    revisions = list(article.revisions.select_related("editor").order_by("-number"))
    shown = revisions[0] if revisions else None
    wanted = request.GET.get("revision", "")
    if wanted.isdigit():
        shown = next((item for item in revisions if item.number == int(wanted)), shown)
    return render(
        request,
        "content/console/article_revisions.html",
        {
            "article": article,
            "revisions": revisions,
            "shown": shown,
            "may_edit": policy.can(request.user, "edit", article),
        },
    )


@require_POST
def revision_restore(request: HttpRequest, pk: int) -> HttpResponse:
    revision = ArticleRevision.objects.select_related("article").filter(pk=pk).first()
    if revision is None or selectors.article_console(request.user, revision.article_id) is None:
        raise Http404
    try:
        services.revision_restore(actor=request.user, revision=revision)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Revision %(number)s restored.") % {"number": revision.number})
    return redirect(_edit_url(revision.article))


def comment_list(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    if not policy.can(request.user, "manage", article):
        raise PermissionDenied
    page = Paginator(selectors.comments_console(article), COMMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "content/console/article_comments.html", {"article": article, "page": page}
    )


@require_POST
def comment_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    comment = selectors.comment_console(request.user, pk)
    if comment is None:
        raise Http404
    try:
        article_comments.comment_moderate(
            actor=request.user, comment=comment, action=request.POST.get("action", "")
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Saved."))
    return redirect("console:content_article_comments", pk=comment.article_id)


def category_list(request: HttpRequest) -> HttpResponse:
    """栏目管理: categories of the organizations the user administers."""
    orgs = list(administered_organizations(request.user).order_by("path")[:500])
    org = current_org(request)
    form = CategoryForm(request.POST or None, orgs=orgs, initial={"org": org.pk if org else None})
    if request.method == "POST" and form.is_valid():
        chosen = next((item for item in orgs if item.pk == form.cleaned_data["org"]), None)
        if chosen is None:
            raise PermissionDenied
        try:
            services.category_create(
                actor=request.user,
                org=chosen,
                name=form.cleaned_data["name"],
                position=form.cleaned_data.get("position") or 0,
            )
        except ApplicationError as error:
            form.add_error("name", error.text())
        else:
            messages.success(request, _("Category created."))
            return redirect("console:content_article_categories")
    categories = list(in_current_org(selectors.categories_console(request.user), request))
    return render(
        request,
        "content/console/article_categories.html",
        {"form": form, "categories": categories},
    )


@require_POST
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    category = selectors.categories_console(request.user).filter(pk=pk).first()
    if category is None:
        raise Http404
    services.category_delete(actor=request.user, category=category)
    messages.success(request, _("Category deleted."))
    return redirect("console:content_article_categories")

"""Hall pages of articles (新闻): the list by category with keyword search and an empty state,
an article with its view count, source, author, attachments, moderated comments and share
card; attachments served under their original names; the home section "News"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.content import selectors_articles as selectors
from xiaoyou.content.forms_articles import CommentForm
from xiaoyou.content.models import ArticleAttachment, ArticleStatus
from xiaoyou.content.services import article_comments
from xiaoyou.content.services import articles as services
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.paginator import CappedPaginator
from xiaoyou.organizations import sharing

ARTICLES_PER_PAGE = 20
HOME_SECTION_SIZE = 5
QUERY_MAX_LENGTH = 50


def article_list(request: HttpRequest) -> HttpResponse:
    """新闻: published articles, pinned first, by category; keyword search (title and text)."""
    articles = selectors.articles_published()
    categories = list(selectors.hall_categories())
    category_id = request.GET.get("category", "")
    category = next((item for item in categories if str(item.pk) == category_id), None)
    if category is not None:
        articles = articles.filter(category=category)
    query = " ".join(request.GET.get("q", "").split())[:QUERY_MAX_LENGTH]
    paginator: Paginator
    if query:
        # A word found in most articles: the first pages and "1,000+", not an exact count.
        paginator = CappedPaginator(selectors.search(articles, query), ARTICLES_PER_PAGE)
    else:
        paginator = Paginator(articles, ARTICLES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "content/hall/article_list.html",
        {"page": page, "query": query, "categories": categories, "category": category},
    )


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_visible(request.user, pk)
    if article is None:
        raise Http404
    if article.status == ArticleStatus.PUBLISHED:
        services.article_view(article=article)
        article.view_count += 1
    comments = list(selectors.comments_published(article))
    my_pending = []
    if request.user.is_authenticated:
        my_pending = list(
            article.comments.filter(author=request.user, status="pending").order_by("created_at")
        )
    card = sharing.share_card(
        request,
        title=article.title,
        description=article.body_text,
        image=article.cover.url if article.cover else "",
        url=reverse("hall:content_article", args=[article.pk]),
    )
    return render(
        request,
        "content/hall/article_detail.html",
        {
            "article": article,
            "attachments": list(article.attachments.all()),
            "comments": comments,
            "my_pending": my_pending,
            "comment_form": CommentForm(),
            "may_comment": policy.can(request.user, "comment", article),
            "share_card": card,
        },
    )


@require_POST
def comment_post(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_visible(request.user, pk)
    if article is None:
        raise Http404
    url = reverse("hall:content_article", args=[article.pk])
    if not request.user.is_authenticated:
        return redirect_to_login(url)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write a comment."))
        return redirect(url)
    try:
        article_comments.comment_post(
            actor=request.user, article=article, body=form.cleaned_data["body"]
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Thank you. Your comment will show once approved."))
    return redirect(url + "#comments")


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = ArticleAttachment.objects.select_related("article__org").filter(pk=pk).first()
    if attachment is None or not policy.can(request.user, "view", attachment.article):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def home_section(request: HttpRequest) -> str:
    """首页 → 新闻: recommended articles first, then the newest (cached by the shell)."""
    articles = list(
        selectors.articles_published().order_by("-is_recommended", "-published_at", "-id")[
            :HOME_SECTION_SIZE
        ]
    )
    if not articles:
        return ""
    return render_to_string(
        "content/hall/_articles_home_section.html", {"articles": articles}, request=request
    )

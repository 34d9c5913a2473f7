"""Demo content for `xiaoyou seed-demo`: the main association's article categories, six
published articles (one by a college association) and an album of drawn campus photos, made
through the content services.

Photos go through the upload service, so they are cleaned and get their thumbnails like any
upload; face indexing is the background task's business (it finds no face in a drawing).

Idempotent: a category is found by its organization and name, an article by its organization
and title, the album by its organization and title, a photo by its album and caption.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from xiaoyou.content.models import (
    Album,
    Article,
    ArticleCategory,
    ArticleStatus,
    Photo,
    PhotoStatus,
)
from xiaoyou.content.services.albums import album_create
from xiaoyou.content.services.articles import (
    article_create,
    article_pin,
    article_publish,
    article_recommend,
    category_create,
)
from xiaoyou.content.services.photos import photo_upload
from xiaoyou.core.demo import Palette, picture

ORDER = 10
NEWS, NOTICES, PEOPLE = "校友动态", "通知公告", "校友风采"
CATEGORIES = (NEWS, NOTICES, PEOPLE)


@dataclass(frozen=True)
class DemoArticle:
    org_key: str
    admin_key: str
    category: str
    title: str
    author: str
    body: str
    source: str = ""
    is_pinned: bool = False
    is_recommended: bool = False
    cover: Palette | None = None  # of a drawn cover


# Published in this order, so the hall lists the last one first (after the pinned one).
ARTICLES = (
    DemoArticle(
        "root", "platform_admin", PEOPLE, "扎根西部二十年：记医学院校友陈立华",
        "校友总会秘书处",
        "<p>2005 年从医学院临床医学专业毕业后，陈立华放弃了留在大城市的机会，"
        "来到四川西部的一家县医院工作。二十年间，她从住院医师成长为医院副院长，"
        "带领团队建起了当地第一个胸痛中心。</p>"
        "<blockquote>“病人需要我们，这里就是最好的地方。”</blockquote>"
        "<p>如今，她每年都会回到母校，为学弟学妹们讲述基层医疗的故事。"
        "“希望更多年轻医生愿意到基层去，那里有最真实的医学。”</p>",
        is_recommended=True,
        cover=Palette(sky="#F5F5F5", sun="#C8102E", ground="#C8E6C9"),
    ),
    DemoArticle(
        "root", "platform_admin", NEWS, "北京校友会举行年度理事会",
        "北京校友会",
        "<p>近日，示范大学北京校友会年度理事会在京举行，来自各行业的四十余位理事出席。</p>"
        "<p>会议审议通过了校友会年度工作报告和财务报告，并讨论了下一年度的重点工作："
        "<strong>搭建行业交流平台、完善校友信息、支持在校生实习就业</strong>。</p>"
        "<p>会议还增补了三位青年校友理事，进一步扩大了校友会的覆盖面。</p>",
        source="北京校友会",
        cover=Palette(sky="#E5E5E5", sun="#FFFFFF"),
    ),
    DemoArticle(
        "CS", "cs_admin", NEWS, "计算机学院校友会走访校友企业",
        "计算机学院校友会",
        "<p>为加强学院与校友企业的联系，计算机学院校友会一行近日走访了位于深圳、杭州的五家校友企业。</p>"
        "<p>走访中，校友们介绍了企业在人工智能、云计算等领域的发展情况，"
        "并表示愿意为学院提供实习岗位和联合培养机会。</p>"
        "<ul><li>新增实习基地 3 个</li><li>达成联合课程意向 2 项</li>"
        "<li>设立校友企业奖学金 1 项</li></ul>",
        source="计算机学院校友会",
    ),
    DemoArticle(
        "root", "platform_admin", NOTICES, "校友返校日活动报名通知",
        "校友总会秘书处",
        "<p>各位校友：</p><p>今年的校友返校日活动将于校庆前后举行，欢迎各届校友返校相聚。"
        "请有意返校的校友在校友服务大厅“活动”栏目中报名，以便我们安排接待。</p>"
        "<h3>活动内容</h3><ol><li>校园参观与班级合影</li><li>校友论坛与学院开放日</li>"
        "<li>校友午宴</li></ol><p>返校日活动主题正在投票中，欢迎参与。</p>",
    ),
    DemoArticle(
        "root", "platform_admin", PEOPLE, "从实验室到产业：一位校友的创业之路",
        "校友总会秘书处",
        "<p>在计算机学院读博期间，周明远研究的是工业视觉检测。毕业后，"
        "他和两位同门一起创业，把实验室里的算法做成了产品。</p>"
        "<p>创业第五年，公司的检测设备已进入二十多家制造企业的生产线。"
        "谈到经验，他说最重要的是“<em>把问题想清楚，再把事情做扎实</em>”。</p>"
        "<p>今年，他向母校捐赠设立了创新创业基金，支持在校生的科创项目。</p>",
        cover=Palette(sky="#111111", sun="#FFFFFF", ground="#616161"),
    ),
    DemoArticle(
        "root", "platform_admin", NOTICES, "关于开展校友信息更新工作的通知",
        "校友总会秘书处",
        "<p>为更好地联系和服务校友，校友总会现开展校友信息更新工作。</p>"
        "<p>请各位校友登录校友服务大厅，在“我的”页面完成<strong>校友身份认证</strong>，"
        "并更新工作单位、所在城市和联系方式。您的信息仅用于校友联络，不会对外公开；"
        "您可以在隐私设置中选择在校友录中显示哪些信息。</p>"
        "<p>如有疑问，请联系校友总会秘书处。</p>",
        is_pinned=True,
    ),
)  # fmt: skip

ALBUM_TITLE = "校园四季"
ALBUM_DESCRIPTION = "春樱、夏荷、秋叶、冬雪：校友记忆中的校园。"
# (caption, palette) of each photo of the album.
PHOTOS = (
    ("春：樱花大道", Palette(sky="#FDE2E4", sun="#FFFFFF", ground="#C8E6C9")),
    ("夏：荷塘月色", Palette(sky="#BBDEFB", sun="#FFF59D", ground="#81C784")),
    ("秋：银杏满园", Palette(sky="#FFE0B2", sun="#FFFFFF", ground="#FFB74D")),
    ("冬：雪后图书馆", Palette(sky="#ECEFF1", sun="#FFFFFF", ground="#FFFFFF")),
)


def seed(
    result: Any,
    *,
    root: Any,
    org_by_key: dict[str, Any],
    accounts: dict[str, Any],
    **_: Any,
) -> None:
    """Creates whatever part of the demo articles and album is missing (see the module)."""
    admin = accounts["platform_admin"]
    categories = _categories(result, root, admin)
    for index, spec in enumerate(ARTICLES):
        org = org_by_key.get(spec.org_key)
        if org is not None:
            author = accounts.get(spec.admin_key) or admin
            _article(result, spec, index, org=org, actor=author, category=categories[spec.category])
    _album(result, root, admin)


def _categories(result: Any, root: Any, admin: Any) -> dict[str, ArticleCategory]:
    existing = {category.name: category for category in ArticleCategory.objects.filter(org=root)}
    for position, name in enumerate(CATEGORIES):
        if name not in existing:
            existing[name] = category_create(actor=admin, org=root, name=name, position=position)
            result.add("article categories")
    return existing


def _jpeg(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def _article(
    result: Any,
    spec: DemoArticle,
    index: int,
    *,
    org: Any,
    actor: Any,
    category: ArticleCategory,
) -> None:
    found = (
        Article.objects.filter(org=org, title=spec.title)
        .exclude(status=ArticleStatus.DELETED)
        .exists()
    )
    if found:
        return
    fields: dict[str, Any] = {"category": category, "author_name": spec.author}
    if spec.source:
        fields["source"] = spec.source
    if spec.cover is not None:
        fields["cover"] = _jpeg("cover.jpg", picture(variant=index, palette=spec.cover))
    article = article_create(actor=actor, org=org, title=spec.title, body=spec.body, **fields)
    article = article_publish(actor=actor, article=article)
    if spec.is_pinned:
        article_pin(actor=actor, article=article)
    if spec.is_recommended:
        article_recommend(actor=actor, article=article)
    result.add("articles")


def _album(result: Any, root: Any, admin: Any) -> None:
    album = Album.objects.filter(org=root, title=ALBUM_TITLE, event__isnull=True).first()
    if album is None:
        album = album_create(
            actor=admin, org=root, title=ALBUM_TITLE, description=ALBUM_DESCRIPTION
        )
        result.add("albums")
    captions = set(
        Photo.objects.filter(album=album)
        .exclude(status=PhotoStatus.DELETED)
        .values_list("caption", flat=True)
    )
    for index, (caption, palette) in enumerate(PHOTOS):
        if caption in captions:
            continue
        content = picture(size=(1200, 800), variant=index, palette=palette)
        upload = photo_upload(
            actor=admin,
            album=album,
            files=[_jpeg(f"photo-{index + 1}.jpg", content)],
            caption=caption,
        )
        result.add("photos", len(upload.created))


def register() -> None:
    from xiaoyou.core.registry import demo_seeder

    demo_seeder(ORDER, seed)

"""Hall pages of the directory, included under /alumni/ ("hall" namespace; "hall:alumni" is
the directory itself, the bottom tab bar's 校友)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.directory.views import hall_cards, hall_directory, hall_privacy

urlpatterns = [
    path("", hall_directory.directory, name="alumni"),
    path("<int:pk>/", hall_directory.entry, name="directory_entry"),
    path("<int:pk>/card", hall_cards.card_request, name="directory_card_request"),
    path("near/", hall_directory.near, name="directory_near"),
    path("orgs/<int:pk>/", hall_directory.address_book, name="directory_address_book"),
    path("qr/", hall_directory.qr_poster, name="directory_qr"),
    path("privacy/", hall_privacy.privacy, name="directory_privacy"),
    path("cards/", hall_cards.my_cards, name="directory_cards"),
    path(
        "cards/<int:pk>/accept",
        hall_cards.card_answer,
        {"decision": "accept"},
        name="directory_card_accept",
    ),
    path(
        "cards/<int:pk>/decline",
        hall_cards.card_answer,
        {"decision": "decline"},
        name="directory_card_decline",
    ),
    path("cards/<int:pk>/vcard", hall_cards.card_download, name="directory_card_vcard"),
]

"""QQ Connect (QQ 互联) OAuth 2.0 as an allauth provider; endpoints under settings.QQ_GRAPH_URL."""

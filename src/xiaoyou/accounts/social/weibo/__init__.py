"""Weibo (微博) login: allauth's provider with its endpoints under settings.WEIBO_API_URL."""

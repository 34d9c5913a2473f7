"""WeChat web login (微信登录) as an allauth social provider with configurable endpoints."""

"""Social accounts besides WeChat: Weibo, QQ and LinkedIn (OpenID Connect) through allauth.

Sign-in, linking from the personal center, and a consent page that copies the employer,
position and place a provider returned into the alumnus's record, field by field."""

"""The link rule Word and the site share: the schemes an author's link may use. Any other
(javascript:, file:, data:, …) is shown as text, never made a link."""
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

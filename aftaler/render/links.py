"""The link rule Word and the site share: the schemes an author's link may use. Any other
(javascript:, file:, data:, …) is shown as text, never made a link."""
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def leaves_site(url: str) -> bool:
    """A relative link that climbs out of the site (`../../../../etc/passwd`), which opened from
    disk would reach the reader's own files. Pages stand one folder below the site's root
    (site/<sæt>/<side>.html), so one `..` is the most a link may climb."""
    from posixpath import normpath
    from urllib.parse import unquote

    path = unquote(url.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
    return bool(path) and normpath("saet/" + path).startswith("..")

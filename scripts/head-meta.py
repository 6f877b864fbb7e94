"""Adds one <meta> to a built index.html, right after <meta charset>, for the
Trunk post-build hooks: head-meta.py INDEX_HTML ATTRIBUTE VALUE CONTENT
writes <meta ATTRIBUTE="VALUE" content="CONTENT" />."""
import html
import sys

path, attribute, value, content = sys.argv[1:5]
text = open(path, encoding="utf-8").read()
meta = '<meta %s="%s" content="%s" />' % (attribute, value, html.escape(content, quote=False).replace("\"", "&quot;"))
charset = '<meta charset="utf-8" />'
if charset not in text:
    sys.exit("head-meta.py: no %s in %s" % (charset, path))
text = text.replace(charset, charset + "\n    " + meta, 1)
open(path, "w", encoding="utf-8").write(text)

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; rewrites the relative ES module import in init.mjs too."""

    support_js_module_import_aggregation = True
    manifest_strict = False

"""The one error every reader of an uploaded or given file raises: finding the files (sources), unpacking a
zip (zipmembers), parsing a police.uk file, an extract or a CSV. Below them all, so none imports another
for it."""


class InputFileError(Exception):
    """A file cannot be imported at all. The message names the file and says why."""

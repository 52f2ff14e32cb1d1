"""Form fields shared by every domain's forms."""

from wtforms import TextAreaField as _TextAreaField


def normalise_newlines(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF; count and store each one as one LF,
    so text that fits the field's limit in the browser also fits it on the server."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class TextAreaField(_TextAreaField):
    """A textarea whose line breaks arrive as single LFs before any validator sees them."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = normalise_newlines(self.data)

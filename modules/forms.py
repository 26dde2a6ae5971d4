from django import forms

from .uploads import ALLOWED, MAX_UPLOAD_BYTES


class AidUploadForm(forms.Form):
    file = forms.FileField(
        label="Your completed aid",
        help_text=f"{ALLOWED}, up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg"}),
    )


def answers_from_post(post, question_ids: list[int] | None = None) -> dict[str, list[str]]:
    """The choices posted for each question of an attempt (inputs are named q<id>); without
    `question_ids`, every q<number> posted (the service keeps only the attempt's own)."""
    if question_ids is None:
        return {key[1:]: post.getlist(key) for key in post if key[:1] == "q" and key[1:].isdigit()}
    return {str(qid): post.getlist(f"q{qid}") for qid in question_ids if f"q{qid}" in post}

from django import forms

from .uploads import ALLOWED, MAX_UPLOAD_BYTES


class AidUploadForm(forms.Form):
    file = forms.FileField(
        label="Your completed aid",
        help_text=f"{ALLOWED}, up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg"}),
    )


def answers_from_post(post, question_ids: list[int]) -> dict[str, list[str]]:
    """The choices posted for each question of an attempt (inputs are named q<id>)."""
    return {str(qid): post.getlist(f"q{qid}") for qid in question_ids if f"q{qid}" in post}

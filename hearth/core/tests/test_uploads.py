import errno
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory

from hearth.api.api import api
from hearth.core.uploads import (
    UploadFailed,
    discard_uploads_on_error,
    move_to_private_storage,
    private_storage,
    store_upload,
)
from hearth.testing.uploads import UPLOAD_FAILED, disk_full, stored_files


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EIO])
def test_failed_write_leaves_no_partial_file(code):
    with disk_full(code), pytest.raises(UploadFailed) as exc:
        store_upload(default_storage, "posts/a.jpg", ContentFile(b"x" * 100), field="image")
    assert exc.value.message_dict == {"image": [UPLOAD_FAILED]}
    assert not default_storage.exists("posts/a.jpg")
    assert stored_files() == []


def test_store_upload_returns_the_stored_name():
    name = store_upload(private_storage(), "posts/b.jpg", ContentFile(b"data"))
    assert name == "posts/b.jpg"
    with private_storage().open(name) as stored:
        assert stored.read() == b"data"


def test_private_storage_has_no_public_url():
    with pytest.raises(ValueError):
        private_storage().url("posts/b.jpg")


class TestDiscardOnError:
    def test_files_stored_in_a_failed_block_are_removed(self):
        with pytest.raises(RuntimeError), discard_uploads_on_error():
            store_upload(default_storage, "a.jpg", ContentFile(b"a"))
            raise RuntimeError
        assert stored_files() == []

    def test_files_stored_in_a_successful_block_stay(self):
        with discard_uploads_on_error():
            store_upload(default_storage, "a.jpg", ContentFile(b"a"))
        assert default_storage.exists("a.jpg")

    def test_an_outer_failure_removes_what_an_inner_block_stored(self):
        with pytest.raises(RuntimeError), discard_uploads_on_error():
            with discard_uploads_on_error():
                store_upload(default_storage, "inner.jpg", ContentFile(b"a"))
            store_upload(default_storage, "outer.jpg", ContentFile(b"a"))
            raise RuntimeError
        assert stored_files() == []

    def test_an_inner_failure_the_caller_handles_removes_only_its_files(self):
        with discard_uploads_on_error():
            store_upload(default_storage, "kept.jpg", ContentFile(b"a"))
            with pytest.raises(RuntimeError), discard_uploads_on_error():
                store_upload(default_storage, "dropped.jpg", ContentFile(b"a"))
                raise RuntimeError
        assert [p.name for p in stored_files()] == ["kept.jpg"]


def test_api_answers_507_with_the_message():
    response = api.on_exception(RequestFactory().post("/api/v1/x"), UploadFailed("image"))
    assert response.status_code == 507
    assert json.loads(response.content)["error"]["message"] == UPLOAD_FAILED


@pytest.mark.django_db
def test_move_to_private_storage_moves_a_public_upload_once():
    name = default_storage.save("groups/cover.jpg", ContentFile(b"pixels"))
    assert move_to_private_storage(name)
    assert not default_storage.exists(name)
    with private_storage().open(name, "rb") as moved:
        assert moved.read() == b"pixels"
    assert move_to_private_storage(name)  # already moved: still there
    assert not move_to_private_storage("groups/missing.jpg")

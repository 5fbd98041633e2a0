"""The models package of patients: one module per concern, every name at patients.models."""

from pathlib import Path

from django.apps import apps

import patients.models

MODELS_DIR = Path(patients.models.__file__).parent


def test_every_model_of_the_app_is_importable_from_patients_models():
    for model in apps.get_app_config("patients").get_models():
        assert getattr(patients.models, model.__name__) is model, model.__name__
        assert model._meta.app_label == "patients"
    assert set(patients.models.__all__) <= set(dir(patients.models))


def test_the_daily_digest_belongs_to_tapering():
    digest_sent = apps.get_model("tapering", "DigestSent")
    assert digest_sent._meta.db_table == "tapering_digestsent"
    assert not hasattr(patients.models, "DigestSent")


def test_no_model_module_is_over_400_lines():
    for module in MODELS_DIR.glob("*.py"):
        assert len(module.read_text().splitlines()) <= 400, module.name

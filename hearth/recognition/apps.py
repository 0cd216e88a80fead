from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "hearth.recognition"
    label = "recognition"

"""Structured logs: one event a line, each with the request id of the request it belongs to.

django-structlog binds a request id (and the user's id) to every log call made while a request
is served, and the task id while a Celery task runs; here the logging configuration renders
those events as JSON (production) or as aligned text (a terminal), and the standard library's
loggers (Django's, gunicorn's, axes') go through the same renderer.
"""

import structlog
from django_structlog.middlewares import RequestMiddleware as StructlogRequestMiddleware

_SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_config(*, level: str, json: bool) -> dict:
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                "foreign_pre_chain": _SHARED_PROCESSORS,
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # One line per request is django_structlog's; Django's own would repeat it.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            # Its start-up banner, on every command; failures and lock-outs are warnings.
            "axes.apps": {"level": "WARNING"},
        },
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            *_SHARED_PROCESSORS,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


class RequestMiddleware(StructlogRequestMiddleware):
    """django-structlog's request logging, with two changes.

    The path is logged without its query string: searches in the review queue carry names of
    detainees, which do not belong in logs. The request id goes back to the client as
    X-Request-ID, so that a partner or a reviewer reporting a problem can quote it.
    """

    @staticmethod
    def format_request(request) -> str:
        return f"{request.method} {request.path}"

    def __call__(self, request):
        response = super().__call__(request)
        request_id = getattr(request, "request_id", None)
        if request_id:
            response.headers["X-Request-ID"] = request_id
        return response

    def prepare(self, request) -> None:
        super().prepare(request)
        request.request_id = structlog.contextvars.get_contextvars().get("request_id")

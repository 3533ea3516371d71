#!/bin/sh
# Chooses what the container runs from its first argument:
#   web            serve HTTP and WebSockets with uvicorn on :8000 (run `migrate` first)
#   migrate        apply database migrations, then exit (once per release, before web and workers)
#   worker         a Celery worker on $WORKER_QUEUES (default cpu), $WORKER_CONCURRENCY processes
#   beat           the Celery beat scheduler (runs the reaper); exactly one per deployment
#   manage ARGS    python manage.py ARGS (createsuperuser, shell, check --deploy, ...)
#   anything else  executed as given
# Extra arguments after web, worker and beat are passed on to uvicorn or celery
# (e.g. `web --forwarded-allow-ips=10.0.0.2`: take the client address from the X-Forwarded-For
# of the reverse proxy at that address).
set -eu

cd /app

if [ "$#" -eq 0 ]; then
    set -- web
fi

role="$1"

case "$role" in
    web)
        shift
        # uvicorn streams request bodies, so the request guard refuses an upload from its
        # headers; Django answers no lifespan events.
        exec uvicorn backend.asgi:application --host 0.0.0.0 --port 8000 --lifespan off "$@"
        ;;
    migrate)
        shift
        exec python manage.py migrate --noinput "$@"
        ;;
    worker)
        shift
        exec celery -A backend.engine.celery worker \
            -Q "${WORKER_QUEUES:-cpu}" \
            --concurrency "${WORKER_CONCURRENCY:-2}" \
            --loglevel "${LOG_LEVEL:-INFO}" \
            "$@"
        ;;
    beat)
        shift
        exec celery -A backend.engine.celery beat \
            --schedule /tmp/celerybeat-schedule \
            --loglevel "${LOG_LEVEL:-INFO}" \
            "$@"
        ;;
    manage)
        shift
        exec python manage.py "$@"
        ;;
    *)
        exec "$@"
        ;;
esac

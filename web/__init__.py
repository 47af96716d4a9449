"""The HTTP shell: JSON API, jinja2 pages, static JS modules, log-in and CSRF."""

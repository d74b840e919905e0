"""The floor of Planboard: what every app may import, and which imports no app.

- `choices`: the vocabulary shared by models, the method and the charts (health, term, status…);
- `fiscal`, `progress`, `charts`: the progress method and chart geometry, pure functions;
- `permissions`: who may see and change what (the one place it is decided);
- `audit`, `exceptions`, `tasks`: audited saves, the conflict error, the after-commit task class;
- `api`, `admin`: the base classes of the REST API and of the admin.

The import-linter contracts in pyproject.toml keep it that way: nothing here imports goals,
initiatives, reports or the features above them.
"""

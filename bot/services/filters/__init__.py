"""Content filters that moderators configure: normalization, matching, rules, presets, the
optional model stage, audit and the service that ties them together (``service.py``)."""

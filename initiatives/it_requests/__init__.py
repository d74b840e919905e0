"""IT requests and the spend gate: a department's request to spend, from draft to the CIO's decision.

`rules` is the gate's rule (what a request may link, its tie to the enterprise plan); `services`
file, edit and move requests (approval needs a tie or a CIO exception); `selectors` read the
register; `views`, `forms` and `urls` are the register, one request and filing. The API's
transitions are initiatives.api.it_requests.
"""

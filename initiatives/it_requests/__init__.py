"""IT requests and the spend gate: a department's request to spend, from draft to the CIO's decision.

`services` files, edits and moves requests (the gate: approval needs a tie to the enterprise plan
or a CIO exception); `views`, `forms` and `urls` are the register, one request and filing.
The API's transitions are initiatives.api.it_requests.
"""

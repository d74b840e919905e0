"""The roadmap: a plan's initiatives on a fiscal-year timeline, grouped by theme.

`geometry` lays the chart out (the template only draws it); `views` and `urls` are the page.
"""

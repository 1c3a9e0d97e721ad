"""Configuration management, the CMDB (Kepbup Polewali Mandar 685/2021, II.3).

`types`: the editable list of item types and what each asks of its items (`checks`: the
naming standard, the attributes' JSON Schema, the identifying attributes). `entries`:
one item's fields checked and cleaned, the single rule set for the API and the importers.
`items`: register, change, retire, list and read items, each change kept in the item's
history (`history`). `relations`: relations between items and their history. `impact`:
what depends on an item, transitively, and the open cases touching it (`cases`: the link
between cases and the items they touch). `transfer`: import from and export to a CSV or
XLSX sheet (`spreadsheet`: its columns, read and written). `overview`: an item's page as
data, its graph included. `demo`: the demo kabupaten's CMDB and its past outage.
"""

"""County mode: one county database holding many townships, built from their signed data packages.

``rollup`` makes and opens the county database and takes packages in (trust, replacement, one transaction);
``figures`` computes a township's and the whole county's figures from the records and compares them with
what the packages reported; ``summary`` writes the 全县汇总表. What a county database shows (one township or
the whole county) is ``county_scope``'s, below the records, so every query of the program works on it.
Nothing is imported here: a township's window never loads county mode.
"""

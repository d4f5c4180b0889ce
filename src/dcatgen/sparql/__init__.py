"""SPARQL: the embedded store, what a query is and running it with limits, and printing
answers for people."""

"""The offline laptop's sync with the server (issue 13): what a permanence holds
(``tables``), the server's side (``server``), the copy into the replica (``copy``) and the
laptop's life (``laptop``). Above every area: it moves the rows of all of them."""

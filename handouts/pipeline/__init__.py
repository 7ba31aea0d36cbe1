"""The one path every command's documents take: plan → preflight → render → write.

``build``, ``card``, ``batch`` and the checks only say *what* they want (which
routines, layouts, personal details, output names). Here it is decided *how*:

- :mod:`.plan` turns a request into jobs, one per output file, refusing a file
  asked for twice and a layout that cannot build what is asked;
- :mod:`.preflight` finds everything that would make a document wrong before
  anything is drawn (glyphs no font has, broken safety rules), the same way
  for every command, ``validate`` and ``check`` included;
- :mod:`.render` draws one job into PDF bytes;
- :mod:`.write` puts bytes on disk atomically.

:func:`.run.run_jobs` chains them for commands that write everything or
nothing; a batch renders and writes item by item (``handouts.batch``) with the
same stages.
"""

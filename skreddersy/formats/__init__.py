"""Date and number formats per language (``settings.FORMAT_MODULE_PATH``).

Django's own ``en`` formats are American ("Dec. 8, 2026"); skreddersy's English is British
("8 December 2026", 24-hour clock as Nav's letters use). Bokmål keeps Django's ``nb`` formats and
adds the few named formats the templates use beyond Django's set (a weekday with the date), read
by the ``ldate`` filter in ``core/templatetags/skreddersy_format.py``. Templates never spell a
format out (``date:"j. F Y"`` reads "8. December 2026" in English): they name one."""

"""批量导入: reading registrar and liaison spreadsheets into the alumni archive.

readers   xlsx (openpyxl read-only), xls (xlrd) and csv (UTF-8 with or without BOM, GBK/GB18030)
headers   where the header is (not always the first row; two merged header rows)
fields    the importable fields, their Chinese and English synonyms, suggested mappings
normalize cell values as people type them (full-width, 1998年7月, +86 138-0013-8000, 男/F...)
engine    validation, upsert by a chosen key in all-or-nothing batches, the rejected-rows report
"""

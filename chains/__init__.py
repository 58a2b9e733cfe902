"""Pitchcheck: is a vendor's fine-tuning pitch worth it? The engine, with no UI imports.

- The interview: `facts` is the table of fields (question, choices, phrasings); `readers`, `choices`, `figures`,
  `polarity`, `corrections` and `intents` read one answer; `session` runs the turns and `turns` holds their shapes
  and the saved `SessionState`; `example` plays the guide's £18,000 worked example through a session.
- The glossary: `glossary` loads and checks knowledge/*.md, `index` keeps it in Chroma, `retrieval` fuses dense and
  BM25 search (`embeddings` behind it), `knowledge_base` is what callers use, and `explain` answers (via `llm` if set).
- The pitch: `pitch` reads what the vendor will do, with `prices`, `promises` and `sentences`; `proposal` turns a
  PDF, Word, HTML or text file into that text.
- The verdict: `verdict.assess` is a pure function of the facts and `settings`; `economics` and `money` work out and
  word the sums; `report` writes it as Markdown or PDF.
- The audit: `examples` reads training files, `audit` counts clean examples with `personal_data` and
  `near_duplicates`, `audit_worker` runs it in a bounded process, `audit_text` prints it.
- `cli` is the `pitchcheck` command; the web app in web/ drives the same `Session`.
"""

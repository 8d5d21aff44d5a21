/*
 * schema.h — how an ärende is laid out in the Xapian database: the contract between the indexer
 * (writes) and search (reads). Change it only with a bump of PS_SCHEMA_VERSION; the indexer
 * records the version in the database metadata and search refuses a mismatch.
 *
 * Unit: one Xapian document = one ärende as it appears in one source file. The same ärende in
 * several files (2023.076 SN in seeds 000, 001, 002) gives several documents sharing the value
 * PS_SLOT_KEY, on which search collapses, and the boolean term PS_PREFIX_KEY + key.
 *
 * Terms. Word terms come from the analyzer (analyzer.h), already case-folded and NFC:
 *   ""   (no prefix) stems — the analyzer's PS_TERM_STEM terms (incl. -et conflation), with
 *        positions; compound parts (PS_TERM_PART) at the whole word's position, lower wdf.
 *   "E"  exact surface forms (PS_TERM_EXACT), without positions: ranks exact-word matches
 *        first (a phrase matches the stems; its exact forms then add weight).
 *   "S"  title stems, with positions (the title is also indexed in the body namespace).
 *   "XB" stems of the Beslut section, "XF" of Förslag till beslut, "XA" of Ärendebeskrivning,
 *   "XK" of Bakgrund, "XM" of Sammanfattning, "XY" of Yttrande — section fields, without positions.
 * Boolean filter terms (wdf 0), values lowercase NFC unless said otherwise:
 *   "K"  kommun (e.g. "Kalingsås"),  "N" nämnd ("Nsocialnämnden"),  "Y" year ("Y2023"),
 *   "T"  document type ("Tprotokoll"), "D" dnr normalized and lowercased ("D2023.076 sn") and
 *        also its number part alone ("D2023.076"),  "A" ärende key,  "P" source path as given
 *        to the indexer (delete all ärenden of a file),  "Q" unique id: 16 hex digits of the
 *        path's 64-bit hash (ps_indexer_hash64, seed 0) + "#" + index, also the data's "id",
 *   "XU" a word of the text that the word lists do not know (PS_TOKEN_UNKNOWN), case-folded:
 *        what the indexer learns words from (analyzer.h), with exact document counts.
 * Values:
 *   PS_SLOT_DATE  "YYYY-MM-DD" (string order = date order; "" when unknown)
 *   PS_SLOT_KEY   the ärende key (collapse key)
 *   PS_SLOT_KOMMUN, PS_SLOT_NAMND, PS_SLOT_YEAR, PS_SLOT_TYPE: display forms (shard routing,
 *                 display)
 *   PS_SLOT_ORDER the document's place: source path + "#" + its index in the file, six digits
 *                 ("/p/x.txt#000003"): unique, so ties in rank or date are broken the same way
 *                 in one database and across shards (document ids interleave there)
 *   PS_SLOT_DATE_ORDER  PS_SLOT_DATE + "\x1f" + PS_SLOT_ORDER: the date sort, without ties (Xapian's
 *                 remote protocol sorts on one value only)
 *   PS_SLOT_KOMMUN_KEY, PS_SLOT_NAMND_KEY, PS_SLOT_YEAR_KEY, PS_SLOT_TYPE_KEY, PS_SLOT_DATE_KEY
 *                 (the histogram, counted by months of the date): the facet value,
 *                 a NUL byte, the ärende key: facet counts of ärenden are the distinct pairs
 *                 per value, which Xapian's built-in ValueCountMatchSpy counts exactly also on
 *                 remote shards (xapian-tcpsrv knows no spy of ours)
 * Document data: a compact JSON object (UTF-8), a NUL byte, then the repaired body text as it
 * is (UTF-8, not escaped, to the end of the data: a hit's excerpts cost no JSON unescaping).
 * The object's keys:
 *   key, dnr, paragraf, title, namnd, kommun, date, type, handlaggare   (string or null)
 *   path (as indexed), relpath, id, url (source URL or null), pages ([first, last] or [])
 *   src_start, src_end (byte span of the ärende in the decoded source text)
 *   sections ([{"name","start","end"}], byte offsets into the body),
 *   refs (["KF § 94 2021-05-26", ...]), sources ({"field": "read"|"inferred"|"external"})
 * Database metadata keys: "ps.schema" (PS_SCHEMA_VERSION), "ps.lexicon" (lexicon version),
 *   "ps.last_run" (ISO 8601 time of the last completed index run), "ps.files" (the indexer's
 *   file manifest), "ps.learned" (the words learned from the corpus that the documents were
 *   analyzed with, analyzer.h; search analyzes queries with the same list), "ps.learn_pending"
 *   ("1" while the indexer is re-analyzing documents for a new list).
 */
#ifndef PROTOKOLLSOK_SCHEMA_H
#define PROTOKOLLSOK_SCHEMA_H

#define PS_SCHEMA_VERSION "7"

#define PS_PREFIX_EXACT "E"
#define PS_PREFIX_TITLE "S"
#define PS_PREFIX_BESLUT "XB"
#define PS_PREFIX_FORSLAG "XF"
#define PS_PREFIX_ARENDEBESKRIVNING "XA"
#define PS_PREFIX_BAKGRUND "XK"
#define PS_PREFIX_SAMMANFATTNING "XM"
#define PS_PREFIX_YTTRANDE "XY"

#define PS_PREFIX_KOMMUN "K"
#define PS_PREFIX_NAMND "N"
#define PS_PREFIX_YEAR "Y"
#define PS_PREFIX_TYPE "T"
#define PS_PREFIX_DNR "D"
#define PS_PREFIX_KEY "A"
#define PS_PREFIX_PATH "P"
#define PS_PREFIX_ID "Q"
#define PS_PREFIX_UNKNOWN "XU"

enum {
    PS_SLOT_DATE = 0,
    PS_SLOT_KEY = 1,
    PS_SLOT_KOMMUN = 2,
    PS_SLOT_NAMND = 3,
    PS_SLOT_YEAR = 4,
    PS_SLOT_TYPE = 5,
    PS_SLOT_ORDER = 6,
    PS_SLOT_DATE_ORDER = 7,
    PS_SLOT_KOMMUN_KEY = 8,
    PS_SLOT_NAMND_KEY = 9,
    PS_SLOT_YEAR_KEY = 10,
    PS_SLOT_TYPE_KEY = 11,
    PS_SLOT_DATE_KEY = 12
};

#define PS_META_SCHEMA "ps.schema"
#define PS_META_LEXICON "ps.lexicon"
#define PS_META_LAST_RUN "ps.last_run"
#define PS_META_FILES "ps.files"
#define PS_META_LEARNED "ps.learned"
#define PS_META_LEARN_PENDING "ps.learn_pending"

#endif

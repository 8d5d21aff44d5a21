/*
 * analyzer.h — the Swedish analyzer: one analyzer for indexing, querying and highlighting.
 *
 * Text in (UTF-8), tokens out through a callback, each with its byte span in the input, its
 * position and the index terms it produces: the stem (libstemmer Swedish plus our -et
 * conflation from the lexicon), the exact case-folded form, and compound parts, all at the
 * token's position (like FTS5's colocated tokens).
 *
 * Lexicon: a compact file built at build time from Debian's Swedish word lists (see
 * ps_lexicon_load); immutable once loaded and safe to share between threads. A ps_analyzer
 * holds per-thread state (libstemmer) and must be used by one thread at a time.
 *
 * Ownership: ps_lexicon_load and ps_analyzer_new hand out objects owned by the caller (free
 * with ps_lexicon_free / ps_analyzer_free). An analyzer borrows its lexicon, which must outlive
 * it. Everything passed to a callback is valid only during that call.
 */
#ifndef PROTOKOLLSOK_ANALYZER_H
#define PROTOKOLLSOK_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protokollsok/error.h"

typedef struct ps_lexicon ps_lexicon;
typedef struct ps_analyzer ps_analyzer;

/* Load the lexicon from path; NULL path: $PROTOKOLLSOK_LEXICON, else the file built with this
 * binary (PS_BUILD_DIR/share/lexicon.bin). PS_ERR_NOT_FOUND / PS_ERR_VERSION with a clear
 * message when missing or of another format. */
ps_status ps_lexicon_load(const char *path, ps_lexicon **out, ps_error *err);
void ps_lexicon_free(ps_lexicon *lex);
/* A short version string (format + content hash), recorded by the indexer in the index. */
const char *ps_lexicon_version(const ps_lexicon *lex);
/* The path it was loaded from (the indexer copies the file into the database directory). */
const char *ps_lexicon_path(const ps_lexicon *lex);

/* ---- words learned from the indexed corpus ----------------------------------------------------
 *
 * Debian's word lists do not know the project names, acronyms and new words of municipal
 * protocols (Finsam, ACTivera), so compounds built on them (Finsamförbundet) stay whole. The
 * indexer therefore learns words from the index itself: every word the lists do not know is
 * kept in the index once per document (PS_TOKEN_UNKNOWN, schema.h), a ps_learner is shown
 * those words with their document counts, and keeps the words that
 *   - are made of 4 to 24 letters, are no stop word, and are unknown to the lexicon,
 *   - are no compound of known words (nor of shorter learned ones),
 *   - occur, counting all forms that share a stem, in at least PS_LEARN_MIN_DOCS documents,
 *   - look Swedish: Swedish letters, no English spelling (th, sh, ph, w, ee, -tion, -ity, -ness,
 *     -ship, -ly); the others are refused and counted by reason (analyzer/learn.c).
 * It writes them as a text list (one line per word: stem, TAB, documents, TAB, space-separated
 * forms; then, when words were refused, the comment line
 * "#refused TAB total TAB foreign-letters=N english-spelling=N"), which the indexer stores in the index (schema.h, PS_META_LEARNED). A lexicon extended
 * with that list (ps_lexicon_with_learned) knows each learned word as a word and a compound
 * beginning (with a linking -s), and those of 6 letters or more also as a compound head, so
 * "finsamförbundet" gets the parts finsam and förbund. Learned words only ever split words the
 * lists do not know (a known word analyzes the same with any list). Index and queries use the
 * same list: the indexer re-indexes the documents whose analysis a new list changes, and search
 * loads the list from the index it opens.
 */
#define PS_LEARN_MIN_DOCS 2

/* A lexicon that knows base's words and those of the learned list (list[0..len), as written by
 * ps_learner_finish; lines it cannot read are skipped). It borrows base, which must outlive it;
 * free it with ps_lexicon_free. Its version and path are base's. */
ps_status ps_lexicon_with_learned(const ps_lexicon *base, const char *list, size_t len,
                                  ps_lexicon **out, ps_error *err);
/* How many learned words lex knows (0 for a lexicon loaded from a file). */
size_t ps_lexicon_learned_count(const ps_lexicon *lex);
/* Do two learned lists teach the same words (the same lines but for the document counts)? Then
 * they analyze alike, and a lexicon made from one serves the other. */
bool ps_learned_same_words(const char *a, const char *b);

typedef struct ps_learner ps_learner;
/* A learner judging words against lex (borrowed, must outlive it; a loaded lexicon, not an
 * extended one). Free with ps_learner_free. */
ps_status ps_learner_new(const ps_lexicon *lex, ps_learner **out, ps_error *err);
void ps_learner_free(ps_learner *l);
/* Offer one case-folded NFC word form (an exact term) and the number of documents having it.
 * Words that cannot be learned are ignored. PS_OK unless out of memory. */
ps_status ps_learner_add(ps_learner *l, const char *word, size_t len, uint32_t docs,
                         ps_error *err);
/* The learned list: *list malloc'd, NUL-terminated, sorted by stem ("" when nothing was
 * learned), the caller frees it; *count (may be NULL) the number of words. */
ps_status ps_learner_finish(ps_learner *l, char **list, size_t *count, ps_error *err);

typedef enum {
    PS_ANALYZER_SWEDISH = 0,       /* full analysis: -et conflation, compounds, special tokens */
    PS_ANALYZER_EXACT_SNOWBALL = 1 /* stems exactly as libstemmer's Swedish; no lexicon needed */
} ps_analyzer_mode;

/* lex may be NULL only in PS_ANALYZER_EXACT_SNOWBALL mode. */
ps_status ps_analyzer_new(const ps_lexicon *lex, ps_analyzer_mode mode, ps_analyzer **out,
                          ps_error *err);
void ps_analyzer_free(ps_analyzer *an);

typedef enum {
    PS_TERM_STEM = 0, /* the main index term: stem (with -et conflation in Swedish mode) */
    PS_TERM_EXACT,    /* the case-folded NFC surface form */
    PS_TERM_PART,     /* stem of a compound part or of an ellipsis completion
                         ("kultur- och utbildningsförvaltningen" -> kulturförvaltning) */
    PS_TERM_WHOLE     /* a multi-word unit kept whole: "2023.076 sn", "375 000", "§ 94" */
} ps_term_kind;

/* No term is longer than this many bytes (Xapian's limit is 245); longer ones are cut at a
 * character boundary. */
#define PS_ANALYZER_TERM_MAX 200

typedef struct {
    const char *text; /* not NUL-terminated */
    size_t len;
    ps_term_kind kind;
} ps_term;

enum {
    PS_TOKEN_STOPWORD = 1u << 0, /* a Snowball Swedish stop word (queries drop it outside phrases) */
    PS_TOKEN_NUMBER = 1u << 1,
    PS_TOKEN_DNR = 1u << 2,      /* diarienummer */
    PS_TOKEN_DATE = 1u << 3,     /* ISO date */
    PS_TOKEN_PARAGRAPH = 1u << 4,/* § reference */
    PS_TOKEN_URL = 1u << 5,
    PS_TOKEN_EMAIL = 1u << 6,
    PS_TOKEN_ABBREV = 1u << 7,   /* t.ex., bl.a. */
    PS_TOKEN_COMPOUND = 1u << 8, /* decomposed into parts */
    PS_TOKEN_UNKNOWN = 1u << 9   /* one word (no hyphen) whose stem no form in the word lists
                                    has: what the corpus learning looks at, and the only words
                                    the learned words are used to split */
};

typedef struct {
    size_t start, end;    /* byte span in the input */
    unsigned pos;         /* 1-based token position */
    unsigned flags;       /* PS_TOKEN_* */
    const char *norm;     /* case-folded NFC form, not NUL-terminated */
    size_t norm_len;
    const ps_term *terms; /* distinct terms, the PS_TERM_STEM one first */
    size_t nterms;
    size_t compound_parts; /* the first this many PS_TERM_PART terms are the word's own parts
                              in order (samordning, förbund; esf, projekt): as a phrase they
                              match the split spelling. 0 when the token is no compound. */
} ps_token;

/* Called once per token in order; return false to stop. */
typedef bool (*ps_token_fn)(void *ctx, const ps_token *tok);

enum {
    PS_ANALYZE_QUERY = 1u << 0 /* query side: same terms; marks stop words; no corpus learning */
};

/* Analyze text. Invalid UTF-8 is skipped (never crashes); PS_OK unless out of memory. */
ps_status ps_analyzer_run(ps_analyzer *an, const char *text, size_t len, unsigned flags,
                          ps_token_fn fn, void *ctx, ps_error *err);

/* After ps_analyzer_run: how many invalid UTF-8 bytes it skipped, and (if first_offset is not
 * NULL) the byte offset of the first one ((size_t)-1 when none). */
size_t ps_analyzer_invalid_bytes(const ps_analyzer *an, size_t *first_offset);

#endif

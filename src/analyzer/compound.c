/*
 * analyzer/compound.c — splitting Swedish compounds into known parts.
 *
 * Works on the raw Snowball stem of a word (samordningsförbundet): the head must be the raw
 * stem of a word form the lexicon allows at the end of a compound (förbundet), every part
 * before it a form that may begin or continue one, linking letters included (samordnings-,
 * arbets-, gatu-, kvinno-). A part written with a doubled consonant may lend it to the next
 * part (tull + lokal = tullokal). Among all splits: fewest parts, then the longest head (före +
 * träd, not föret + räd), then the most unequal parts (sum of squared lengths). No part under 3
 * letters, no unknown word under 7 letters split (skotet is not sko + tet), no head that is a
 * derivational suffix (medlemskap is not medlems + kap, sjukdom not sjuk + dom, planering not
 * plane + ring). Stop words are never parts, nor beginnings that stand for one (dessutom,
 * förs- in förslag).
 *
 * A word the lexicon knows whole (hunspell lists husvagn as it lists kultur) is split only in
 * two, and only when hunspell's compound flags vouch for the head (hus + vagn, dags + läge,
 * mat + sal; kultur is not kul + tur: tur may not end a compound), or, for the nouns hunspell
 * forgot to flag (råd), when a part has 5 letters or more after a beginning hunspell lists
 * (kommunal + råd; föreslår is not föres + lår).
 *
 * Cost: first one look-up per possible head; only when some head is known, a dynamic program
 * over the prefix with look-ups bounded by PS_PART_MAX_CHARS per end position.
 */
#include "internal.h"
#include "lexfile.h"

#include <string.h>

enum {
    PS_PART_MIN_CHARS = 3,
    PS_PART_MAX_CHARS = 24,
    PS_WORD_MAX_CHARS = 48,
    PS_COMPOUND_MIN_CHARS = 7,
    PS_KNOWN_COMPOUND_MIN_CHARS = 6,
    PS_KNOWN_WORD_LONGEST_PART = 5,
    PS_GENERIC_BEGIN_MIN_HEAD = 4,
    PS_SUFFIX_HEAD_MAX_BYTES = 12, /* "ering" + "arnas" */
    PS_GENERIC_PENALTY = 15000     /* in the score, worth one and a half letters of head */
};

/* A doubled consonant ends at byte b (s[b-2] == s[b-1]), so the next part may start at b-1. */
static bool doubled_consonant_before(const char *s, size_t b)
{
    if (b < 2)
        return false;
    char c = s[b - 1];
    return c == s[b - 2] && c >= 'b' && c <= 'z' && !strchr("aeiouy", c);
}

static size_t chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/*
 * Derivational suffixes that are also words or compound ends in the lexicon: a head that
 * starts inside or at one of them is the suffix, not a word (medlemskap is not medlems + kap
 * nor medlem + skap; sjukdom, sekretess, socialist, kulturell, verksam, hållbar, politik; nor
 * is a surname Matts + son).
 * A head that merely ends in one is fine (arbets + gemenskap, riks + press).
 */
static bool head_in_suffix(const ps_lexicon *lex, const char *s, size_t n, size_t head_start)
{
    static const char *const suffixes[] = {"skap", "dom", "het", "ess", "ism",   "ist", "ant",
                                           "ell",  "sam", "bar", "tik", "ering", "sson"};
    const char *v;
    size_t vn;
    if (n - head_start > PS_SUFFIX_HEAD_MAX_BYTES)
        return false; /* longer than any suffix with any ending */
    /* the head as its lemma's stem when Snowball kept an ending (medlemskapet: kapet -> kap) */
    if (ps_lexicon_lookup(lex, PS_LEX_MAP, s + head_start, n - head_start, &v, &vn) &&
        vn < n - head_start && memcmp(v, s + head_start, vn) == 0)
        n = head_start + vn;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n < k || head_start < n - k || memcmp(s + n - k, suffixes[i], k) != 0)
            continue;
        /* -dom never follows a linking s, the word dom (domare) often does: härads + dom */
        if (head_start == n - k && s[head_start - 1] == 's' && suffixes[i][0] == 'd')
            continue;
        return true;
    }
    return false;
}

/* Snowball leaves vowel-less scraps (blomstr-): never a head. Any non-ASCII letter counts as
 * a vowel (å ä ö é ü). */
static bool has_vowel(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80 || strchr("aeiouy", s[i]))
            return true;
    return false;
}

/* One letter and a definite -et: the end of the word before it, not a head (program-m-et is
 * no program + met, kontor-et no konto + ret; år-et and bo-et are år and bo). */
static bool et_scrap(const char *s, size_t n)
{
    return n >= 3 && s[n - 2] == 'e' && s[n - 1] == 't' && chars(s, n - 2) < 2;
}

/* A compound end the lexicon knows, and not a stop word (till, kan, min). */
static bool is_head(const ps_lexicon *lex, const char *s, size_t n)
{
    const char *v;
    size_t vn;
    return ps_lexicon_lookup(lex, PS_LEX_HEAD, s, n, &v, &vn) && !ps_analyzer_is_stopword(s, n);
}

/*
 * May a word the lexicon knows whole be read as begin + head? Only in two parts, after a
 * beginning hunspell lists (or the -s form of a noun it lets begin compounds: dags-), and then
 * when hunspell lets the head end compounds (hus + vagn, dags + läge, mat + sal; not kul + tur,
 * plane + ring) or, for a noun it forgot to flag (råd), when a part has 5 letters or more
 * (kommunal + råd).
 */
static bool known_word_split(const ps_lexicon *lex, const char *head, size_t head_len,
                             size_t begin_chars, size_t head_chars, int count, bool generic,
                             size_t word_chars)
{
    const char *v;
    size_t vn;
    if (count != 2)
        return false;
    if (ps_lexicon_lookup(lex, PS_LEX_END, head, head_len, &v, &vn) &&
        (!generic || head_chars >= PS_GENERIC_BEGIN_MIN_HEAD))
        return true; /* (not taxe + rat for taxerat) */
    /* the head measured by its stem (fadern: fader) */
    if (ps_lexicon_lookup(lex, PS_LEX_MAP, head, head_len, &v, &vn))
        head_chars = chars(v, vn);
    if (word_chars < PS_COMPOUND_MIN_CHARS)
        return false;
    if (head_chars >= PS_KNOWN_WORD_LONGEST_PART)
        return true; /* benediktin + kloster */
    return !generic && begin_chars >= PS_KNOWN_WORD_LONGEST_PART;
}

typedef struct {
    int count;        /* parts so far; -1 = this position cannot end a part */
    long score;       /* sum of squared part lengths */
    size_t from;      /* char index where the last part's own letters begin */
    bool overlap;     /* the last part starts one character earlier (three-consonant join) */
    const char *stem; /* that part's stem (lexicon value) */
    size_t stem_len;
    bool generic; /* some part so far is a generic linking form, not one hunspell lists */
} dp_cell;

bool ps_analyzer_decompose(const ps_lexicon *lex, const char *s, size_t n, ps_compound *out)
{
    out->nparts = 0;
    if (!lex)
        return false;
    size_t bnd[PS_WORD_MAX_CHARS + 1]; /* byte offset of each character boundary */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        if (m == PS_WORD_MAX_CHARS)
            return false;
        bnd[m++] = i;
    }
    bnd[m] = n;
    if (m < PS_KNOWN_COMPOUND_MIN_CHARS)
        return false;
    const char *v;
    size_t vn;
    const size_t min = PS_PART_MIN_CHARS;
    bool known = ps_lexicon_lookup(lex, PS_LEX_HEAD, s, n, &v, &vn) ||
                 ps_lexicon_lookup(lex, PS_LEX_WORD, s, n, &v, &vn);

    /* Heads: char index j where s[j..m) is a known compound end (possibly borrowing s[j-1]). */
    bool head_at[PS_WORD_MAX_CHARS + 1] = {false}, head_overlap[PS_WORD_MAX_CHARS + 1] = {false};
    size_t jmax = 0;
    for (size_t j = min; j + min <= m; j++) {
        if (is_head(lex, s + bnd[j], n - bnd[j]))
            head_at[j] = true;
        else if (doubled_consonant_before(s, bnd[j]) &&
                 is_head(lex, s + bnd[j - 1], n - bnd[j - 1]))
            head_at[j] = head_overlap[j] = true;
        if (head_at[j])
            jmax = j;
    }
    if (!jmax)
        return false;

    /* cell[i]: best way to cover s[0..i) with begin/middle parts. */
    dp_cell cell[PS_WORD_MAX_CHARS + 1];
    for (size_t i = 0; i <= jmax; i++)
        cell[i].count = -1;
    cell[0].count = 0;
    cell[0].score = 0;
    cell[0].generic = false;
    for (size_t i = min; i <= jmax; i++) {
        size_t kmin = i > PS_PART_MAX_CHARS ? i - PS_PART_MAX_CHARS : 0;
        for (size_t k = kmin; k + min <= i; k++) {
            if (cell[k].count < 0)
                continue;
            for (int ov = 0; ov < 2; ov++) {
                if (ov && (k == 0 || !doubled_consonant_before(s, bnd[k])))
                    break;
                size_t a = bnd[k - (size_t)ov];
                bool generic = false;
                if (!ps_lexicon_lookup(lex, PS_LEX_BEGIN, s + a, bnd[i] - a, &v, &vn)) {
                    if (!ps_lexicon_lookup(lex, PS_LEX_LINK, s + a, bnd[i] - a, &v, &vn))
                        continue;
                    generic = true;
                }
                if (ps_analyzer_is_stopword(s + a, bnd[i] - a) || ps_analyzer_is_stopword(v, vn))
                    continue; /* not förs + lag: för- is a prefix, not the noun för */
                long len = (long)(i - k) + ov;
                int count = cell[k].count + 1;
                long score = cell[k].score + len * len;
                if (cell[i].count < 0 || count < cell[i].count ||
                    (count == cell[i].count && score > cell[i].score)) {
                    cell[i] =
                        (dp_cell){count, score, k, ov != 0, v, vn, cell[k].generic || generic};
                }
                break;
            }
        }
    }

    /* Snowball kept a definite -et the lexicon takes off (programmet: program)? */
    bool definite_et = n > 2 && s[n - 2] == 'e' && s[n - 1] == 't' &&
                       ps_lexicon_lookup(lex, PS_LEX_MAP, s, n, &v, &vn) && vn + 2 <= n &&
                       memcmp(v, s, vn) == 0;

    /* The best head among those whose prefix is covered. */
    size_t best_j = 0;
    int best_count = -1;
    long best_score = 0;
    for (size_t j = min; j <= jmax; j++) {
        if (!head_at[j] || cell[j].count < 0)
            continue;
        long hl = (long)(m - j) + head_overlap[j];
        int count = cell[j].count + 1;
        long score = hl * 10000 + cell[j].score + hl * hl; /* the longest head, then unequal */
        size_t a = bnd[j - head_overlap[j]];
        /* after a generic -s beginning, an s-word head wins (not trans + port: transport) */
        bool s_head = !head_overlap[j] && cell[j].generic && s[a - 1] == 's' &&
                      is_head(lex, s + a - 1, n - a + 1);
        if (count > PS_COMPOUND_MAX_PARTS || s_head || head_in_suffix(lex, s, n, a) ||
            !has_vowel(s + a, n - a) || (definite_et && et_scrap(s + a, n - a)) ||
            (known &&
             !known_word_split(lex, s + a, n - a, j, (size_t)hl, count, cell[j].generic, m)))
            continue;
        /* a reading with beginnings hunspell lists before one that guesses a linking form
         * and gets a head one letter longer for it (kompass + nål, not kompa-s + snål), but
         * not before a much longer head (år-s + bokslut, not årsbok + lut) */
        if (cell[j].generic)
            score -= PS_GENERIC_PENALTY;
        if (best_count < 0 || count < best_count || (count == best_count && score > best_score)) {
            best_j = j;
            best_count = count;
            best_score = score;
        }
    }
    if (best_count < 0 || (!known && m < PS_COMPOUND_MIN_CHARS) ||
        (known && ps_lexicon_lookup(lex, PS_LEX_WHOLE, s, n, &v, &vn)))
        return false;

    size_t nparts = (size_t)best_count;
    size_t head_start = bnd[best_j - head_overlap[best_j]];
    const char *head = s + head_start;
    size_t head_len = n - head_start;
    out->alt = (ps_part){NULL, 0};
    if (ps_lexicon_lookup(lex, PS_LEX_MAP, head, head_len, &v, &vn)) {
        head = v;
        head_len = vn;
    } else if (ps_lexicon_lookup(lex, PS_LEX_TAIL, head, head_len, &v, &vn)) {
        const char *w;
        size_t wn;
        if (ps_lexicon_lookup(lex, PS_LEX_WORD, head, head_len, &w, &wn)) {
            out->alt = (ps_part){v, vn}; /* -stöd: stöd itself, or a tail of stödd */
        } else {
            head = v;
            head_len = vn;
        }
    }
    out->parts[nparts - 1] = (ps_part){head, head_len};
    size_t i = best_j;
    for (size_t p = nparts - 1; p-- > 0;) {
        out->parts[p] = (ps_part){cell[i].stem, cell[i].stem_len};
        i = cell[i].from;
    }
    out->nparts = nparts;
    out->head_start = head_start;
    return true;
}

/*
 * mklexicon.c — build-time tool: turn Debian's Swedish word lists into lexicon.bin.
 *
 *   mklexicon --aff sv_SE.aff --dic sv_SE.dic [--words /usr/share/dict/swedish] -o lexicon.bin
 *
 * From hunspell-sv it expands every entry's suffix rules into the lemma's word forms, stems each
 * form with libstemmer's Swedish (2.2, what Debian ships) and records:
 *   - lemma conflation (PS_LEX_MAP): every raw stem of a lemma's forms meets the lemma's stem
 *     (beslutet -> beslut, ärendet -> ärend, ansvaret -> ansvar, nervöst -> nervös: the
 *     definite neuter -et that Snowball 2.2 keeps, and more). The lemma's stem is its base
 *     form when another form stems to it (ansvars -> ansvar), else the base form's stem. No
 *     conflation where it would be ambiguous: a stem that is another lemma's own stem (planet,
 *     the celestial body) or that lemmas with different stems share. Words whose "et" belongs
 *     to the stem (paket, budget, raket) keep it, because their base form has it. A lemma
 *     whose base form's stem other lemmas claim too takes that stem for all its forms
 *     (försvar, försvaret -> försv) rather than let them part. hunspell-sv lists plurals with
 * umlaut as entries of their own (ledamöter, böcker); they join their singular's lemma (ledamöter
 * -> ledamot);
 *   - known words (PS_LEX_WORD): raw stems of every form (and of wswedish's words);
 *   - compound heads (PS_LEX_HEAD): raw stems of every form of a noun or of an entry with
 *     hunspell's compound-end flag Y, alone and as a compound's tail (PS_LEX_TAIL maps a tail
 *     stem that differs from every stem of the word alone to the lemma's stem: -skat -> skatt);
 *     PS_LEX_END marks those hunspell itself lets end a compound (flag Y), which is what the
 *     analyzer asks before it splits a word hunspell lists whole (husvagn: vagn has Y), and
 *     PS_LEX_WHOLE the few words listed whole that it must never split (storlek, bokstav);
 *   - compound beginnings (PS_LEX_BEGIN): hunspell's compound-begin/middle forms with their
 *     linking letters (samordnings-, arbets-), each mapped to its lemma's stem, and (as
 *     PS_LEX_LINK) the common linking forms of nouns it does not list (läns-, gatu-: -s, and
 *     -o/-u/-e for -a words), which the analyzer trusts less; the -s form of a noun hunspell
 *     lets begin compounds counts as listed (dag -> dags-).
 *
 * Output layout: src/analyzer/lexfile.h. A build tool, so it prints its own errors.
 */
#include "../src/analyzer/lexfile.h"

#include <libstemmer.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---------------------------------------------------------------- small utilities */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("mklexicon: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fputs("mklexicon: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = xmalloc(cap + 1);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Case-folded NFC; NULL unless every code point is a letter (what a compound part can be). */
static char *fold_letters(const char *s, size_t len)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (n <= 0)
        return NULL;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(out + i, n - i, &c);
        utf8proc_category_t cat = k > 0 ? utf8proc_category(c) : UTF8PROC_CATEGORY_CN;
        if (k <= 0 || cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO) {
            free(out);
            return NULL;
        }
        i += k;
    }
    return (char *)out;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/* ---------------------------------------------------------------- string table */

/* Key -> (flags, value); keys are "kind byte + text". Open addressing, grows at 50 %. */
typedef struct {
    char *key;
    char *val;
    unsigned flags;
    char *extra[2]; /* more values, for the records write_lexicon groups */
} entry;

typedef struct {
    entry *slots;
    size_t cap, n;
} table;

static uint64_t key_hash(const char *key)
{
    return ps_lexfile_hash(key, strlen(key));
}

static entry *table_find(table *t, const char *key, bool create)
{
    if (create && (t->n + 1) * 2 > t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 1024;
        entry *ns = calloc(ncap, sizeof *ns);
        if (!ns) {
            fputs("mklexicon: out of memory\n", stderr);
            exit(1);
        }
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->slots[i].key)
                continue;
            size_t j = key_hash(t->slots[i].key) & (ncap - 1);
            while (ns[j].key)
                j = (j + 1) & (ncap - 1);
            ns[j] = t->slots[i];
        }
        free(t->slots);
        t->slots = ns;
        t->cap = ncap;
    }
    if (!t->cap)
        return NULL;
    size_t j = key_hash(key) & (t->cap - 1);
    while (t->slots[j].key) {
        if (strcmp(t->slots[j].key, key) == 0)
            return &t->slots[j];
        j = (j + 1) & (t->cap - 1);
    }
    if (!create)
        return NULL;
    t->slots[j].key = xstrndup(key, strlen(key));
    t->n++;
    return &t->slots[j];
}

static entry *table_get(table *t, char kind, const char *text, bool create)
{
    size_t n = strlen(text);
    char stackbuf[256];
    char *key = n + 2 <= sizeof stackbuf ? stackbuf : xmalloc(n + 2);
    key[0] = kind;
    memcpy(key + 1, text, n + 1);
    entry *e = table_find(t, key, create);
    if (key != stackbuf)
        free(key);
    return e;
}

static void table_free(table *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        free(t->slots[i].key);
        free(t->slots[i].val);
        free(t->slots[i].extra[0]);
        free(t->slots[i].extra[1]);
    }
    free(t->slots);
}

/* ---------------------------------------------------------------- hunspell affixes */

typedef struct {
    char flag;
    char *strip; /* "" when 0 */
    char *add;   /* "" when 0 */
    char *cont;  /* continuation flags after '/', "" when none */
    char *cond;  /* condition pattern as written ("." = any) */
} sfx_rule;

typedef struct {
    sfx_rule *rules;
    size_t n, cap;
    size_t *order;     /* rule indexes grouped by flag ... */
    size_t start[257]; /* ... the rules of flag c are order[start[c] .. start[c + 1]) */
} affixes;

/* Group the rules by flag so that an entry only looks at the rules of its own flags. */
static void index_affixes(affixes *aff)
{
    memset(aff->start, 0, sizeof aff->start);
    for (size_t i = 0; i < aff->n; i++)
        aff->start[(unsigned char)aff->rules[i].flag + 1]++;
    for (size_t c = 1; c <= 256; c++)
        aff->start[c] += aff->start[c - 1];
    size_t fill[256];
    memcpy(fill, aff->start, sizeof fill);
    aff->order = xmalloc((aff->n ? aff->n : 1) * sizeof *aff->order);
    for (size_t i = 0; i < aff->n; i++)
        aff->order[fill[(unsigned char)aff->rules[i].flag]++] = i;
}

/* Does the end of word match hunspell's condition pattern (chars, [set], [^set], .)? */
static bool cond_matches(const char *word, const char *cond)
{
    /* Split the condition into elements, then match them right-to-left against code points. */
    utf8proc_int32_t wcp[256];
    size_t nw = 0;
    for (const char *p = word; *p && nw < 256;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &c);
        if (k <= 0)
            return false;
        wcp[nw++] = c;
        p += k;
    }
    const char *elems[64];
    size_t ne = 0;
    for (const char *p = cond; *p && ne < 64;) {
        elems[ne++] = p;
        if (*p == '[') {
            const char *q = strchr(p, ']');
            if (!q)
                return false;
            p = q + 1;
        } else {
            utf8proc_int32_t c;
            utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &c);
            p += k > 0 ? k : 1;
        }
    }
    if (ne == 1 && cond[0] == '.')
        return true;
    if (ne > nw)
        return false;
    for (size_t i = 0; i < ne; i++) {
        utf8proc_int32_t c = wcp[nw - ne + i];
        const char *e = elems[i];
        if (*e == '.')
            continue;
        if (*e == '[') {
            bool neg = e[1] == '^';
            bool found = false;
            for (const char *p = e + 1 + neg; *p && *p != ']';) {
                utf8proc_int32_t d;
                utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &d);
                if (k <= 0)
                    return false;
                found |= d == c;
                p += k;
            }
            if (found == neg)
                return false;
        } else {
            utf8proc_int32_t d;
            if (utf8proc_iterate((const utf8proc_uint8_t *)e, -1, &d) <= 0 || d != c)
                return false;
        }
    }
    return true;
}

static void parse_aff(char *text, affixes *aff)
{
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char f[5][128];
        if (strncmp(line, "SFX", 3) != 0)
            continue;
        int n = sscanf(line, "SFX %127s %127s %127s %127s", f[0], f[1], f[2], f[3]);
        if (n < 4 || strlen(f[0]) != 1 || f[2][0] == 'Y' || f[2][0] == 'N')
            continue; /* a header line "SFX F Y 6" or something we do not read */
        const char *add = f[2];
        const char *slash = strchr(add, '/');
        if (aff->n == aff->cap) {
            aff->cap = aff->cap ? aff->cap * 2 : 256;
            aff->rules = xrealloc(aff->rules, aff->cap * sizeof *aff->rules);
        }
        sfx_rule *r = &aff->rules[aff->n++];
        r->flag = f[0][0];
        r->strip = xstrndup(f[1], strcmp(f[1], "0") == 0 ? 0 : strlen(f[1]));
        size_t addlen = slash ? (size_t)(slash - add) : strlen(add);
        if (addlen == 1 && add[0] == '0')
            addlen = 0;
        r->add = xstrndup(add, addlen);
        r->cont = xstrndup(slash ? slash + 1 : "", slash ? strlen(slash + 1) : 0);
        r->cond = xstrndup(f[3], strlen(f[3]));
    }
}

/* ---------------------------------------------------------------- lemmas */

typedef struct {
    struct sb_stemmer *stemmer;
    table stems;         /* 'S' raw stem -> flags STEM_*, val = conflation target */
    table out;           /* final entries: PS_LEX_* keys */
    table begins;        /* 'b' surface -> val = base word whose stem it stands for */
    table inflected;     /* 'F' every inflected (non-base) form of some entry */
    const char *explain; /* --explain STEM: report every lemma that says something about it */
    table proposals;     /* 'P' stem -> flags = how many lemmas propose it as their stem */
    table tails;         /* 't' compound-tail stem -> its lemma's stem */
    table entries;       /* 'N' every entry's word -> the flags of its entries, '|'-separated */
    table canons;        /* 'c' a lemma's base word -> its stem, for the plurals that join it */
    table ends;          /* 'e' raw stem -> END_* */
    struct lemma_rec *lemmas;
    size_t nlemmas, caplemmas;
} builder;

enum {
    STEM_CANONICAL = 1,
    STEM_REDUCIBLE = 2,
    STEM_AMBIGUOUS = 4,
    BEGIN_LISTED = 8,
    END_LISTED = 16,
    END_DENIED = 32
};

static char *stem_of(builder *b, const char *word)
{
    const sb_symbol *s = sb_stemmer_stem(b->stemmer, (const sb_symbol *)word, (int)strlen(word));
    if (!s) {
        fputs("mklexicon: out of memory in libstemmer\n", stderr);
        exit(1);
    }
    return xstrndup((const char *)s, (size_t)sb_stemmer_length(b->stemmer));
}

typedef struct {
    char **v;
    size_t n, cap;
} strvec;

/* A lemma waiting for finish(): its proposed stem, its base form's stem, all its stems. */
struct lemma_rec {
    char *word; /* the base form */
    char *proposal;
    char *base_stem;
    char *singular;    /* an umlaut plural listed as an entry of its own: its singular's word */
    char *canon;       /* the stem its forms meet at, decided in finish() */
    strvec stems;      /* stems of the forms, then stems of the forms as compound tails */
    size_t standalone; /* how many of stems are of the forms alone */
};

static void strvec_add(strvec *sv, char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0) {
            free(s);
            return;
        }
    if (sv->n == sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 16;
        sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
    }
    sv->v[sv->n++] = s;
}

static void strvec_clear(strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    sv->n = 0;
}

/* Does some hunspell entry of word have flags that pass ok()? */
static bool some_entry(builder *b, const char *word, bool (*ok)(const char *flags, size_t n))
{
    entry *e = table_get(&b->entries, 'N', word, false);
    for (const char *f = e ? e->val : NULL; f;) {
        const char *bar = strchr(f, '|');
        size_t n = bar ? (size_t)(bar - f) : strlen(f);
        if (ok(f, n))
            return true;
        f = bar ? bar + 1 : NULL;
    }
    return false;
}

static bool has_any(const char *flags, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (strchr(set, flags[i]))
            return true;
    return false;
}

static bool is_noun(const char *flags, size_t n)
{
    return has_any(flags, n, "BCDEFGHI");
}

/* An entry that is a word of its own, not only a compound's part (kvinno/XZ). */
static bool is_standalone(const char *flags, size_t n)
{
    return !has_any(flags, n, "Z");
}

/* Does a noun end in a suffix that always takes a linking -s (skonings-, enhets-, kunskaps-),
 * so that its bare form begins no compound (skonings + lös, never skoning + slös)? */
static bool links_with_s(const char *word)
{
    static const char *const suffixes[] = {"ning", "ering", "het", "tion", "sion", "skap", "itet"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (ends_with(word, suffixes[i]))
            return true;
    return false;
}

/* A form that may begin a compound; listed: hunspell-sv says so (flags X/U or its linking
 * suffixes), else it is one of our generic linking forms (PS_LEX_LINK). */
static void add_begin(builder *b, const char *form, const char *base, bool listed)
{
    if (utf8_chars(form) < 3)
        return;
    entry *e = table_get(&b->begins, 'b', form, true);
    /* a form stands for a lemma that lists it rather than one that would only generate it
     * (bro- is bro's, not bra's; but kvinno- stays kvinna's: kvinno/XZ is no word alone) */
    if (!e->val || (listed && !(e->flags & BEGIN_LISTED) && some_entry(b, base, is_standalone))) {
        free(e->val);
        e->val = xstrndup(base, strlen(base));
    }
    if (listed)
        e->flags |= BEGIN_LISTED;
}

/* Record what one lemma's stems (the first n) say: each should meet the lemma's stem. */
static void note_stems(builder *b, const char *canon, const strvec *stems, size_t n)
{
    table_get(&b->stems, 'S', canon, true)->flags |= STEM_CANONICAL;
    for (size_t i = 0; i < n; i++) {
        const char *s = stems->v[i];
        if (b->explain && strcmp(s, b->explain) == 0)
            fprintf(stderr, "mklexicon: %s: in a lemma with stem %s\n", s, canon);
        if (strcmp(s, canon) == 0)
            continue;
        entry *e = table_get(&b->stems, 'S', s, true);
        if (e->val && strcmp(e->val, canon) != 0)
            e->flags |= STEM_AMBIGUOUS;
        if (!e->val)
            e->val = xstrndup(canon, strlen(canon));
        e->flags |= STEM_REDUCIBLE;
    }
}

/* The lemma's word forms (base first), the compound-begin forms it licenses when begins is set,
 * and in *ninflected how many forms came from real inflection (not genitive -s, not the
 * -isk derivations of flag T). */
static void expand(builder *b, const affixes *aff, const char *word, const char *flags, bool begins,
                   strvec *forms, size_t *ninflected)
{
    bool only_in_compound = strchr(flags, 'Z') != NULL;
    bool needaffix = strstr(flags, "\xC2\xA4") != NULL;
    *ninflected = 0;
    if (!only_in_compound && !needaffix)
        strvec_add(forms, xstrndup(word, strlen(word)));
    if (begins && (strchr(flags, 'X') || strchr(flags, 'U')))
        add_begin(b, word, word, true);
    size_t wlen = strlen(word);
    for (const char *fp = flags; *fp; fp++) {
        if (strchr(flags, *fp) != fp)
            continue; /* a flag given twice */
        unsigned char c = (unsigned char)*fp;
        for (size_t k = aff->start[c]; k < aff->start[c + 1]; k++) {
            const sfx_rule *r = &aff->rules[aff->order[k]];
            if (!ends_with(word, r->strip) || !cond_matches(word, r->cond))
                continue;
            size_t keep = wlen - strlen(r->strip);
            char *form = xmalloc(keep + strlen(r->add) + 1);
            memcpy(form, word, keep);
            strcpy(form + keep, r->add);
            char *folded = fold_letters(form, strlen(form));
            free(form);
            if (!folded)
                continue;
            if (strchr(r->cont, 'Z') || strchr(r->cont, 'W')) {
                if (begins && (strchr(r->cont, 'X') || strchr(r->cont, 'U')))
                    add_begin(b, folded, word, true);
                free(folded);
            } else {
                *ninflected += r->flag != 'A' && r->flag != 'T';
                strvec_add(forms, folded);
            }
        }
    }
    /* Noun inflection classes of hunspell-sv (definite forms, plurals). */
    bool noun = strpbrk(flags, "BCDEFGHI") != NULL;
    if (begins && noun && !only_in_compound && !needaffix) {
        /* Linking forms hunspell-sv does not list for every noun (läns-, vecko-, gatu-). */
        char buf[512];
        if (wlen + 2 < sizeof buf) {
            bool short_verb = utf8_chars(word) < 3 && strpbrk(flags, "KLMN"); /* be: not bes- */
            if (!ends_with(word, "s") && !short_verb) { /* listed when the noun may begin one */
                snprintf(buf, sizeof buf, "%ss", word);
                add_begin(b, buf, word,
                          (strchr(flags, 'X') || strchr(flags, 'U')) && utf8_chars(word) >= 3);
            }
            if (ends_with(word, "a")) {
                static const char *const links[] = {"o", "u", "e"};
                for (size_t k = 0; k < 3; k++) {
                    snprintf(buf, sizeof buf, "%.*s%s", (int)(wlen - 1), word, links[k]);
                    add_begin(b, buf, word, false);
                }
            } else if (utf8_chars(word) >= 5 && !strpbrk(flags, "vf") && !links_with_s(word)) {
                add_begin(b, word, word, false); /* (regering- is always regerings-) */
            }
        }
    }
}

/* Pass 1: remember every inflected form, to recognise entries that are forms of other entries. */
static void note_inflected(builder *b, const affixes *aff, const char *word, const char *flags)
{
    strvec forms = {0};
    size_t ninflected;
    expand(b, aff, word, flags, false, &forms, &ninflected);
    for (size_t i = forms.n && strcmp(forms.v[0], word) == 0 ? 1 : 0; i < forms.n; i++)
        table_get(&b->inflected, 'F', forms.v[i], true);
    strvec_clear(&forms);
    free(forms.v);
    entry *e = table_get(&b->entries, 'N', word, true);
    size_t had = e->val ? strlen(e->val) : 0;
    e->val = xrealloc(e->val, had + 1 + strlen(flags) + 1);
    snprintf(e->val + had, 1 + strlen(flags) + 1, "%s%s", had ? "|" : "", flags);
}

/* A noun with definite forms but no plural of its own (and not an adjective): what an umlaut
 * plural entry's singular looks like (ledamot/ADfvY, bok/ADXY, stad/AdDvY). */
static bool is_plural_less_noun(const char *flags, size_t n)
{
    return has_any(flags, n, "DEF") && !has_any(flags, n, "GHJOPQ");
}

/* The last vowel of s (UTF-8): its byte offset, or -1. */
static long last_vowel(const char *s)
{
    static const char *const vowels[] = {"a", "e",        "i",        "o",        "u",
                                         "y", "\xC3\xA5", "\xC3\xA4", "\xC3\xB6", "\xC3\xA9"};
    for (long i = (long)strlen(s) - 1; i >= 0; i--)
        for (size_t k = 0; k < sizeof vowels / sizeof vowels[0]; k++)
            if (strncmp(s + i, vowels[k], strlen(vowels[k])) == 0)
                return i;
    return -1;
}

/*
 * hunspell-sv lists plurals with umlaut as entries of their own (ledamöter/AJY, böcker/AJY,
 * döttrar/AJY, tjänstemän/AFY), not as forms of the singular. The singular
 * of such an entry: -er (-rar: -er) off, a doubled consonant or ck simplified, the last vowel
 * ä -> a/å, ö -> o, and the result a noun entry without a plural of its own. NULL when the word
 * is not such a plural, or when it is the regular plural of a noun without umlaut (gränder).
 */
static char *umlaut_singular(builder *b, const char *word, const char *flags)
{
    size_t n = strlen(word);
    const char *tail = "";
    if (ends_with(word, "m\xC3\xA4n")) { /* män/AFY: F gives männen */
        if (strpbrk(flags, "BCDEGHI"))
            return NULL;
    } else if (!strchr(flags, 'J') || strpbrk(flags, "BCDEFGHI")) {
        return NULL;
    } else if (ends_with(word, "rar")) {
        n -= 3;
        tail = "er";
    } else if (ends_with(word, "er")) {
        n -= 2;
    } else {
        return NULL;
    }
    char variants[3][256];
    size_t nv = 0;
    if (n < 3 || n + 3 > sizeof variants[0])
        return NULL;
    if (n > 2 && word[n - 2] == 'c' && word[n - 1] == 'k') /* böcker: bok, not bök */
        snprintf(variants[nv++], sizeof variants[0], "%.*sk", (int)n - 2, word);
    size_t plain = nv;
    if (n > 2 && word[n - 1] == word[n - 2] && !strchr("aeiouy", word[n - 1]) &&
        (unsigned char)word[n - 1] < 0x80)
        snprintf(variants[nv++], sizeof variants[0], "%.*s", (int)n - 1, word);
    snprintf(variants[nv++], sizeof variants[0], "%.*s", (int)n, word);
    char cand[512];
    for (size_t v = plain; v < nv && n < strlen(word); v++) { /* (män is its own plain form) */
        snprintf(cand, sizeof cand, "%s%s", variants[v], tail);
        if (some_entry(b, cand, is_noun)) /* vänner is vän's, gränder gränd's */
            return NULL;
    }
    for (size_t v = 0; v < nv; v++) {
        long i = last_vowel(variants[v]);
        if (i < 0 || (unsigned char)variants[v][i] != 0xC3)
            continue;
        unsigned char u = (unsigned char)variants[v][i + 1];
        const char *repl = u == 0xA4 ? "a\0\xC3\xA5\0" : u == 0xB6 ? "o\0" : NULL;
        for (const char *r = repl; r && *r; r += strlen(r) + 1) {
            snprintf(cand, sizeof cand, "%.*s%s%s%s", (int)i, variants[v], r, variants[v] + i + 2,
                     tail);
            if (some_entry(b, cand, is_plural_less_noun))
                return xstrndup(cand, strlen(cand));
        }
    }
    return NULL;
}

/* Raw stem of form as the tail of a compound: Snowball's R1 then starts at once, so the tail
 * can lose more than the word alone does (skatt stays, fastighetsskatt -> fastighetsskat). */
static char *tail_stem_of(builder *b, const char *form)
{
    size_t n = strlen(form);
    char *buf = xmalloc(n + 4);
    memcpy(buf, "tak", 3);
    memcpy(buf + 3, form, n + 1);
    char *s = stem_of(b, buf);
    free(buf);
    if (strncmp(s, "tak", 3) != 0 || utf8_chars(s + 3) < 3) {
        free(s);
        return NULL;
    }
    char *tail = xstrndup(s + 3, strlen(s + 3));
    free(s);
    return tail;
}

/* Is the stem the word itself, the word less its last letter (läge -> läg), or, unless strict,
 * at least four letters of it (byggnad -> byggn, berättelse -> berätt), rather than the scrap
 * Snowball left of a longer word (turlig -> tur, nomad -> nom: not the words tur and nom; for
 * an adjective or an -ig word, mäktig -> mäkt: fullmäktige is no full + mäkt)? */
static bool stem_keeps_word(const char *word, const char *stem, bool strict)
{
    size_t w = strlen(word), s = strlen(stem);
    if (s >= w)
        return strncmp(stem, word, w) == 0;
    if (strncmp(word, stem, s) != 0)
        return false;
    const char *cut = word + s;
    if (utf8_chars(cut) <= 1)
        return true;
    /* -het, -ig, -lig make other words (mäktighet, mäktigas -> mäkt) */
    return !strict && utf8_chars(stem) >= 4 && !strstr(cut, "het") && !strstr(cut, "ig");
}

/* Words hunspell lists whole that no reader takes for compounds, though its flags allow the
 * split (stor + lek, bok + stav); and a noun that as a beginning is nearly always the particle
 * instead (fort-: fortsätta, fortfarande; not the fortress). Kept short: the rules decide. */
static const char *const not_compounds[] = {"storlek", "bokstav", "reglemente", "multipel"};
static const char *const not_beginnings[] = {"fort"};

static bool listed_in(const char *word, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(word, list[i]) == 0)
            return true;
    return false;
}

/* Pass 2: everything the lexicon records about one hunspell entry. */
static void add_lemma(builder *b, const affixes *aff, const char *word, const char *flags)
{
    /* hunspell-sv's compound-end flag Y, or a noun (råd/AbBDOR lacks the Y) */
    bool compound_end = (strchr(flags, 'Y') || strpbrk(flags, "BCDEFGHI")) && !strchr(flags, 'Z');
    strvec forms = {0}, stems = {0};
    size_t ninflected;
    bool begins = !listed_in(word, not_beginnings, sizeof not_beginnings / sizeof *not_beginnings);
    bool whole = listed_in(word, not_compounds, sizeof not_compounds / sizeof *not_compounds);
    expand(b, aff, word, flags, begins, &forms, &ninflected);
    for (size_t i = 0; i < forms.n; i++)
        strvec_add(&stems, stem_of(b, forms.v[i]));
    size_t standalone = stems.n;
    for (size_t i = 0; compound_end && i < forms.n; i++) {
        char *tail = tail_stem_of(b, forms.v[i]);
        if (tail)
            strvec_add(&stems, tail);
    }
    /* hunspell's own word on compound ends: Y, unless Snowball cuts a suffix off the base form
     * (turlig -> tur); and a noun without Y says no to its own base form (tur, kap, lår) */
    bool no_z = !strchr(flags, 'Z');
    bool adjective = strpbrk(flags, "OPQ") && !strpbrk(flags, "BCDEFGHI");
    bool listed_end =
        strchr(flags, 'Y') && no_z && forms.n && stem_keeps_word(word, stems.v[0], adjective);
    bool unlisted_noun = !strchr(flags, 'Y') && no_z && strpbrk(flags, "BCDEFGHI");
    for (size_t i = 0; i < stems.n; i++) {
        if (i < standalone)
            table_get(&b->out, PS_LEX_WORD, stems.v[i], true);
        if (i < standalone && whole)
            table_get(&b->out, PS_LEX_WHOLE, stems.v[i], true);
        if (compound_end && utf8_chars(stems.v[i]) >= 3)
            table_get(&b->out, PS_LEX_HEAD, stems.v[i], true);
        if (listed_end && utf8_chars(stems.v[i]) >= 3)
            table_get(&b->ends, 'e', stems.v[i], true)->flags |= END_LISTED;
        if (unlisted_noun && i == 0 && strcmp(stems.v[0], word) == 0)
            table_get(&b->ends, 'e', stems.v[i], true)->flags |= END_DENIED;
    }
    /* The lemma's stem: the base form itself when another form stems to it (ansvars -> ansvar,
     * so ansvar rather than Snowball's ansv), else the base form's stem; finish() decides. An
     * entry that is only an inflected form of another entry (hunspell-sv lists djuret/TY)
     * says nothing. An umlaut plural entry (ledamöter) joins its singular's stem instead. */
    bool form_of_other = ninflected == 0 && table_get(&b->inflected, 'F', word, false);
    char *singular = umlaut_singular(b, word, flags);
    if (forms.n > 1 && strcmp(forms.v[0], word) == 0 && !form_of_other) {
        const char *proposal = stems.v[0];
        for (size_t i = 1; i < standalone; i++)
            if (strcmp(stems.v[i], word) == 0)
                proposal = stems.v[i];
        if (!singular)
            table_get(&b->proposals, 'P', proposal, true)->flags++;
        if (b->nlemmas == b->caplemmas) {
            b->caplemmas = b->caplemmas ? b->caplemmas * 2 : 4096;
            b->lemmas = xrealloc(b->lemmas, b->caplemmas * sizeof *b->lemmas);
        }
        struct lemma_rec *r = &b->lemmas[b->nlemmas++];
        r->word = xstrndup(word, strlen(word));
        r->singular = singular;
        singular = NULL;
        r->proposal = xstrndup(proposal, strlen(proposal));
        r->base_stem = xstrndup(stems.v[0], strlen(stems.v[0]));
        r->stems = stems; /* the record owns them now */
        r->standalone = standalone;
        stems = (strvec){0};
    }
    free(singular);
    strvec_clear(&forms);
    strvec_clear(&stems);
    free(forms.v);
    free(stems.v);
}

static void read_dic(builder *b, const affixes *aff, const char *text, size_t len, int pass)
{
    const char *p = text, *end = text + len;
    bool first = true;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *line = p;
        p += n + 1;
        if (first) { /* the entry count */
            first = false;
            continue;
        }
        size_t wl = 0;
        while (wl < n && line[wl] != '/' && line[wl] != '\t' && line[wl] != ' ')
            wl++;
        char flagbuf[128];
        size_t fl = 0;
        if (wl < n && line[wl] == '/')
            for (size_t i = wl + 1;
                 i < n && line[i] != '\t' && line[i] != ' ' && fl + 1 < sizeof flagbuf; i++)
                flagbuf[fl++] = line[i];
        flagbuf[fl] = '\0';
        if (strchr(flagbuf, '%'))
            continue; /* FORBIDDENWORD */
        char *word = fold_letters(line, wl);
        if (word && utf8_chars(word) >= 2) {
            if (pass == 1)
                note_inflected(b, aff, word, flagbuf);
            else
                add_lemma(b, aff, word, flagbuf);
        }
        free(word);
    }
}

/* wswedish: one inflected form per line, ISO-8859-1; its lower-case words count as known words
 * (PS_LEX_WORD). Without flags it cannot tell a compound end ("råd") from a function word
 * ("samt"), so it adds no compound parts. */
static void read_wordlist(builder *b, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char utf8[512];
        size_t o = 0;
        bool lower = n > 0 && !((unsigned char)p[0] >= 'A' && (unsigned char)p[0] <= 'Z') &&
                     !((unsigned char)p[0] >= 0xC0 && (unsigned char)p[0] <= 0xDE);
        for (size_t i = 0; i < n && o + 2 < sizeof utf8; i++) {
            unsigned char c = (unsigned char)p[i];
            if (c < 0x80) {
                utf8[o++] = (char)c;
            } else {
                utf8[o++] = (char)(0xC0 | (c >> 6));
                utf8[o++] = (char)(0x80 | (c & 0x3F));
            }
        }
        char *word = lower ? fold_letters(utf8, o) : NULL;
        if (word) {
            char *s = stem_of(b, word);
            table_get(&b->out, PS_LEX_WORD, s, true);
            free(s);
        }
        free(word);
        p += n + 1;
    }
}

/* ---------------------------------------------------------------- finishing */

static const char *conflate(builder *b, const char *raw)
{
    const char *s = raw;
    for (int hop = 0; hop < 4; hop++) {
        entry *e = table_get(&b->out, PS_LEX_MAP, s, false);
        if (!e)
            break;
        s = e->val;
    }
    return s;
}

/* A lemma proposing its base form (insats) whose Snowball stem (insat) another lemma proposes
 * (insatt) joins that stem instead: Snowball already puts the base forms together, and a stem
 * of its own would split insats from insatser. Unless another lemma proposes the base form too
 * (kalas, kalasa): then that is the shared stem. */
static const char *lemma_canon(builder *b, const struct lemma_rec *r)
{
    entry *p = table_get(&b->proposals, 'P', r->base_stem, false);
    entry *own = table_get(&b->proposals, 'P', r->proposal, false);
    if (strcmp(r->proposal, r->base_stem) != 0 && p && p->flags > 0 && (!own || own->flags <= 1))
        return r->base_stem;
    return r->proposal;
}

static void finish(builder *b)
{
    for (size_t i = 0; i < b->nlemmas; i++) {
        struct lemma_rec *r = &b->lemmas[i];
        const char *canon = lemma_canon(b, r);
        r->canon = xstrndup(canon, strlen(canon));
        entry *c = r->singular ? NULL : table_get(&b->canons, 'c', r->word, true);
        if (c && !c->val)
            c->val = xstrndup(canon, strlen(canon));
    }
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < b->nlemmas; i++) {
            struct lemma_rec *r = &b->lemmas[i];
            entry *sg = r->singular ? table_get(&b->canons, 'c', r->singular, false) : NULL;
            if (sg && strcmp(sg->val, r->canon) != 0) {
                free(r->canon);
                r->canon = xstrndup(sg->val, strlen(sg->val));
            }
            note_stems(b, r->canon, &r->stems, r->standalone);
        }
        /* A lemma whose base form cannot join the stem it proposed because other lemmas claim
         * that form's stem too (försvar -> försv, claimed by försvara) takes the base form's
         * stem instead, or försvar and försvaret would part. */
        bool changed = false;
        for (size_t i = 0; round == 0 && i < b->nlemmas; i++) {
            struct lemma_rec *r = &b->lemmas[i];
            if (r->singular || strcmp(r->canon, r->base_stem) == 0)
                continue;
            entry *e = table_get(&b->stems, 'S', r->base_stem, false);
            if (!e || (e->flags & STEM_CANONICAL) || !(e->flags & STEM_AMBIGUOUS))
                continue;
            entry *c = table_get(&b->canons, 'c', r->word, false);
            if (c && strcmp(c->val, r->canon) == 0) {
                free(c->val);
                c->val = xstrndup(r->base_stem, strlen(r->base_stem));
            }
            free(r->canon);
            r->canon = xstrndup(r->base_stem, strlen(r->base_stem));
            changed = true;
        }
        if (!changed)
            break;
        table_free(&b->stems);
        b->stems = (table){0};
    }
    for (size_t i = 0; i < b->nlemmas; i++) {
        struct lemma_rec *r = &b->lemmas[i];
        const char *canon = r->canon;
        for (size_t k = r->standalone; k < r->stems.n; k++) {
            if (utf8_chars(r->stems.v[k]) < 4)
                continue; /* -min, -kan: too short to guess the word from */
            bool alone = false;
            for (size_t j = 0; j < r->standalone && !alone; j++)
                alone = strcmp(r->stems.v[j], r->stems.v[k]) == 0;
            if (alone)
                continue;
            entry *t = table_get(&b->tails, 't', r->stems.v[k], true);
            if (t->val && strcmp(t->val, canon) != 0)
                t->flags |= STEM_AMBIGUOUS;
            if (!t->val)
                t->val = xstrndup(canon, strlen(canon));
        }
        free(r->canon);
        free(r->word);
        free(r->singular);
        free(r->proposal);
        free(r->base_stem);
        strvec_clear(&r->stems);
        free(r->stems.v);
    }
    free(b->lemmas);
    b->lemmas = NULL;
    b->nlemmas = 0;
    for (size_t i = 0; i < b->stems.cap; i++) {
        entry *e = &b->stems.slots[i];
        if (e->key && e->flags == STEM_REDUCIBLE)
            table_get(&b->out, PS_LEX_MAP, e->key + 1, true)->val =
                xstrndup(e->val, strlen(e->val));
    }
    for (size_t i = 0; i < b->tails.cap; i++) {
        entry *e = &b->tails.slots[i];
        if (e->key && !(e->flags & STEM_AMBIGUOUS) && strcmp(e->key + 1, e->val) != 0)
            table_get(&b->out, PS_LEX_TAIL, e->key + 1, true)->val =
                xstrndup(e->val, strlen(e->val));
    }
    for (size_t i = 0; i < b->ends.cap; i++) {
        entry *e = &b->ends.slots[i];
        if (e->key && e->flags == END_LISTED)
            table_get(&b->out, PS_LEX_END, e->key + 1, true);
    }
    for (size_t i = 0; i < b->begins.cap; i++) {
        entry *e = &b->begins.slots[i];
        if (!e->key)
            continue;
        char *raw = stem_of(b, e->val);
        const char *stem = conflate(b, raw);
        entry *o = table_get(&b->out, e->flags & BEGIN_LISTED ? PS_LEX_BEGIN : PS_LEX_LINK,
                             e->key + 1, true);
        if (!o->val)
            o->val = xstrndup(stem, strlen(stem));
        free(raw);
    }
}

typedef struct {
    char *data;
    size_t len, cap;
} bytes;

static void pool_bytes(bytes *pool, const void *p, size_t n)
{
    if (pool->len + n > UINT32_MAX) {
        fputs("mklexicon: lexicon too large\n", stderr);
        exit(1);
    }
    if (pool->len + n > pool->cap) {
        pool->cap = (pool->cap + n) * 2;
        pool->data = xrealloc(pool->data, pool->cap);
    }
    memcpy(pool->data + pool->len, p, n);
    pool->len += n;
}

static void pool_string(bytes *pool, const char *s)
{
    size_t n = strlen(s);
    if (n > 255) {
        fprintf(stderr, "mklexicon: entry too long: %.40s\n", s);
        exit(1);
    }
    unsigned char len = (unsigned char)n;
    pool_bytes(pool, &len, 1);
    pool_bytes(pool, s, n);
}

/* One record per distinct text: the kinds it has and their values (see analyzer/lexfile.h). */
static int write_lexicon(builder *b, const char *path)
{
    table recs = {0}; /* 'x' text -> flags; val = map, extra[0] = begin/link, extra[1] = tail */
    for (size_t i = 0; i < b->out.cap; i++) {
        entry *e = &b->out.slots[i];
        if (!e->key)
            continue;
        entry *r = table_get(&recs, 'x', e->key + 1, true);
        unsigned bit = ps_lexfile_kind_bit((unsigned char)e->key[0]);
        r->flags |= bit;
        char **slot = bit == PS_LEXBIT_MAP                       ? &r->val
                      : bit & (PS_LEXBIT_BEGIN | PS_LEXBIT_LINK) ? &r->extra[0]
                      : bit == PS_LEXBIT_TAIL                    ? &r->extra[1]
                                                                 : NULL;
        if (slot && !*slot)
            *slot = xstrndup(e->val ? e->val : "", e->val ? strlen(e->val) : 0);
    }
    size_t nslots = 1024;
    while (nslots < recs.n * 2)
        nslots *= 2;
    uint32_t *slots = calloc(nslots, sizeof *slots);
    bytes pool = {0};
    if (!slots) {
        fputs("mklexicon: out of memory\n", stderr);
        return 1;
    }
    pool_bytes(&pool, "", 1); /* offset 0 = empty slot */
    for (size_t i = 0; i < recs.cap; i++) {
        entry *r = &recs.slots[i];
        if (!r->key)
            continue;
        size_t j = ps_lexfile_hash(r->key + 1, strlen(r->key + 1)) & (nslots - 1);
        while (slots[j])
            j = (j + 1) & (nslots - 1);
        slots[j] = (uint32_t)pool.len;
        pool_string(&pool, r->key + 1);
        unsigned char flags = (unsigned char)r->flags;
        pool_bytes(&pool, &flags, 1);
        if (flags & PS_LEXBIT_MAP)
            pool_string(&pool, r->val);
        if (flags & (PS_LEXBIT_BEGIN | PS_LEXBIT_LINK))
            pool_string(&pool, r->extra[0]);
        if (flags & PS_LEXBIT_TAIL)
            pool_string(&pool, r->extra[1]);
    }
    ps_lexfile_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, PS_LEXFILE_MAGIC, sizeof h.magic);
    h.format = PS_LEXFILE_FORMAT;
    h.nslots = (uint32_t)nslots;
    h.pool_len = (uint32_t)pool.len;
    h.nentries = (uint32_t)recs.n;
    h.content_hash = ps_lexfile_hash((const char *)slots, nslots * sizeof *slots) ^
                     (ps_lexfile_hash(pool.data, pool.len) * 31);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int rc = 0;
    if (!f || fwrite(&h, sizeof h, 1, f) != 1 ||
        fwrite(slots, sizeof *slots, nslots, f) != nslots ||
        fwrite(pool.data, 1, pool.len, f) != pool.len) {
        perror(tmp);
        rc = 1;
    }
    if (f && fclose(f) != 0 && rc == 0) {
        perror(tmp);
        rc = 1;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        perror(path);
        rc = 1;
    }
    if (rc == 0)
        fprintf(stderr, "mklexicon: %zu words, %zu bytes -> %s\n", recs.n,
                sizeof h + nslots * sizeof *slots + pool.len, path);
    table_free(&recs);
    free(slots);
    free(pool.data);
    return rc;
}

int main(int argc, char **argv)
{
    const char *aff_path = NULL, *dic_path = NULL, *words_path = NULL, *out_path = NULL;
    const char *explain = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--aff") == 0)
            aff_path = argv[i + 1];
        else if (strcmp(argv[i], "--dic") == 0)
            dic_path = argv[i + 1];
        else if (strcmp(argv[i], "--words") == 0)
            words_path = argv[i + 1];
        else if (strcmp(argv[i], "--explain") == 0)
            explain = argv[i + 1];
        else if (strcmp(argv[i], "-o") == 0)
            out_path = argv[i + 1];
    }
    if (!aff_path || !dic_path || !out_path) {
        fputs("usage: mklexicon --aff FILE.aff --dic FILE.dic [--words LIST] -o lexicon.bin\n",
              stderr);
        return 2;
    }
    size_t aff_len, dic_len, words_len = 0;
    char *aff_text = read_file(aff_path, &aff_len);
    char *dic_text = read_file(dic_path, &dic_len);
    if (!aff_text || !dic_text) {
        fprintf(stderr, "mklexicon: cannot read %s: install hunspell-sv (scripts/install-deps)\n",
                aff_text ? dic_path : aff_path);
        free(aff_text);
        free(dic_text);
        return 1;
    }
    char *words_text = words_path ? read_file(words_path, &words_len) : NULL;
    builder b = {0};
    b.explain = explain;
    b.stemmer = sb_stemmer_new("swedish", "UTF_8");
    if (!b.stemmer) {
        fputs("mklexicon: libstemmer has no Swedish stemmer\n", stderr);
        return 1;
    }
    affixes aff = {0};
    parse_aff(aff_text, &aff);
    index_affixes(&aff);
    read_dic(&b, &aff, dic_text, dic_len, 1);
    read_dic(&b, &aff, dic_text, dic_len, 2);
    if (words_text)
        read_wordlist(&b, words_text, words_len);
    finish(&b);
    int rc = write_lexicon(&b, out_path);
    for (size_t i = 0; i < aff.n; i++) {
        free(aff.rules[i].strip);
        free(aff.rules[i].add);
        free(aff.rules[i].cont);
        free(aff.rules[i].cond);
    }
    free(aff.rules);
    free(aff.order);
    table_free(&b.stems);
    table_free(&b.out);
    table_free(&b.begins);
    table_free(&b.inflected);
    table_free(&b.proposals);
    table_free(&b.tails);
    table_free(&b.entries);
    table_free(&b.canons);
    table_free(&b.ends);
    sb_stemmer_delete(b.stemmer);
    free(aff_text);
    free(dic_text);
    free(words_text);
    return rc;
}

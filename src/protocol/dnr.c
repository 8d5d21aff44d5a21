/*
 * protocol/dnr.c — diarienummer, dates and references to earlier decisions.
 *
 * Diarienummer come in a few house styles: Alingsås writes "2023.076 SN" (year, serial,
 * series letters), many others "KS 2023/123" or "2023/45-1", and documents prefix them with
 * "Dnr". PDF text breaks them over lines ("2023.076  \nSN"). All are normalized to one space
 * between parts, letters upper case. The caller decides where a dnr may stand (a § heading, a
 * header field, the end of an agenda line); this file only reads one at a given position.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f';
}

/* Upper-case series letters at s (A-Z, Å Ä Ö), 1..6 of them, ending at a non-letter. Returns
 * the byte length or 0. */
static size_t series_len(const char *s, size_t len)
{
    size_t i = 0, letters = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') {
            i++;
        } else if (c == 0xC3 && i + 1 < len &&
                   ((unsigned char)s[i + 1] == 0x85 || (unsigned char)s[i + 1] == 0x84 ||
                    (unsigned char)s[i + 1] == 0x96)) {
            i += 2;
        } else {
            break;
        }
        letters++;
    }
    if (letters == 0 || letters > 6)
        return 0;
    /* A following lower-case letter means a word ("Socialnämnden"), not series letters. */
    if (i < len && ps_text_wordc((unsigned char)s[i]))
        return 0;
    return i;
}

/* Digits at s: count, at most max. */
static size_t digits(const char *s, size_t len, size_t max)
{
    size_t n = 0;
    while (n < len && n <= max && is_digit(s[n]))
        n++;
    return n;
}

/* Skip whitespace between dnr parts: spaces and tabs, and at most one line break. */
static size_t gap(const char *s, size_t len, bool allow_newline, bool *crossed)
{
    size_t i = 0;
    *crossed = false;
    while (i < len && i < 12 && is_space(s[i])) {
        if (s[i] == '\n' || s[i] == '\f') {
            if (!allow_newline || *crossed)
                break;
            *crossed = true;
        }
        i++;
    }
    return i;
}

bool ps_dnr_parse(const char *s, size_t len, bool bare_ok, char *out, size_t outsz,
                  size_t *consumed)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (ps_text_iprefix(s + i, len - i, "dnr") &&
        (i + 3 == len || !ps_text_wordc((unsigned char)s[i + 3]))) {
        i += 3;
        if (i < len && (s[i] == '.' || s[i] == ':'))
            i++;
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        bare_ok = true;
    }
    char pre[16] = "", post[16] = "";
    size_t pl = series_len(s + i, len - i);
    if (pl && pl < sizeof pre) {
        size_t j = i + pl;
        if (j < len && (s[j] == ' ' || s[j] == '-'))
            j++;
        if (j < len && is_digit(s[j])) {
            memcpy(pre, s + i, pl);
            pre[pl] = '\0';
            i = j;
        }
    }
    size_t y = digits(s + i, len - i, 4);
    if (y != 4)
        return false;
    int year =
        (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
    if (year < 1950 || year > 2099)
        return false;
    size_t j = i + 4;
    if (j >= len || (s[j] != '.' && s[j] != '/'))
        return false;
    char sep = s[j++];
    size_t serial = digits(s + j, len - j, 6);
    if (serial == 0 || serial > 6)
        return false;
    size_t num_end = j + serial;
    size_t suffix_end = num_end;
    if (sep == '/' && suffix_end + 1 < len && s[suffix_end] == '-' && is_digit(s[suffix_end + 1]))
        suffix_end += 1 + digits(s + suffix_end + 1, len - suffix_end - 1, 4);
    if (suffix_end < len &&
        (is_digit(s[suffix_end]) || s[suffix_end] == '/' ||
         (s[suffix_end] == '.' && suffix_end + 1 < len && is_digit(s[suffix_end + 1]))))
        return false;
    size_t end = suffix_end;
    if (!pre[0] && sep == '.') {
        bool crossed;
        size_t g = gap(s + end, len - end, true, &crossed);
        size_t sl = g ? series_len(s + end + g, len - end - g) : 0;
        size_t after = end + g + sl;
        /* Across a line break only when the letters fill the rest of that line. */
        if (sl && crossed) {
            size_t k = after;
            while (k < len && (s[k] == ' ' || s[k] == '\t'))
                k++;
            if (k < len && s[k] != '\n' && s[k] != '\f')
                sl = 0;
        }
        if (sl && sl < sizeof post) {
            memcpy(post, s + end + g, sl);
            post[sl] = '\0';
            end = after;
        }
    }
    bool has_letters = pre[0] || post[0];
    if (!has_letters && !bare_ok && !(sep == '/' && suffix_end > num_end))
        return false;
    int n = snprintf(out, outsz, "%s%s%.*s%s%s", pre, pre[0] ? " " : "", (int)(suffix_end - i),
                     s + i, post[0] ? " " : "", post);
    if (n < 0 || (size_t)n >= outsz)
        return false;
    if (consumed)
        *consumed = end;
    return true;
}

bool ps_dnr_series(const char *dnr, char *out, size_t outsz)
{
    size_t len = strlen(dnr);
    const char *sp = strrchr(dnr, ' ');
    const char *letters = NULL;
    size_t n = 0;
    if (sp && series_len(sp + 1, len - (size_t)(sp + 1 - dnr)) == strlen(sp + 1)) {
        letters = sp + 1;
        n = strlen(sp + 1);
    } else {
        size_t pl = series_len(dnr, len);
        if (pl) {
            letters = dnr;
            n = pl;
        }
    }
    if (!letters || n == 0 || n >= outsz)
        return false;
    memcpy(out, letters, n);
    out[n] = '\0';
    return true;
}

static const char *const month_names[12] = {"januari",   "februari", "mars",     "april",
                                            "maj",       "juni",     "juli",     "augusti",
                                            "september", "oktober",  "november", "december"};
static const char *const month_abbr[12] = {"jan", "feb", "mar", "apr", "maj", "jun",
                                           "jul", "aug", "sep", "okt", "nov", "dec"};

static bool valid_date(int y, int m, int d)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Month name at s ("november", "nov", "nov."): returns 1..12 and its length, or 0. */
static int month_at(const char *s, size_t len, size_t *mlen)
{
    for (int m = 0; m < 12; m++) {
        const char *names[2] = {month_names[m], month_abbr[m]};
        for (int k = 0; k < 2; k++) {
            size_t n = strlen(names[k]);
            if (ps_text_iprefix(s, len, names[k]) &&
                (n == len || !ps_text_wordc((unsigned char)s[n]))) {
                if (k == 1 && n < len && s[n] == '.')
                    n++;
                *mlen = n;
                return m + 1;
            }
            /* "sept", "sept." */
            if (m == 8 && k == 1 && ps_text_iprefix(s, len, "sept") &&
                (len == 4 || !ps_text_wordc((unsigned char)s[4]))) {
                *mlen = (len > 4 && s[4] == '.') ? 5 : 4;
                return 9;
            }
        }
    }
    return 0;
}

bool ps_date_parse(const char *s, size_t len, char out[11], size_t *consumed)
{
    size_t i = 0;
    if (len >= 10 && digits(s, len, 4) == 4 && s[4] == '-' && digits(s + 5, len - 5, 2) == 2 &&
        s[7] == '-' && digits(s + 8, len - 8, 2) == 2 && (len == 10 || !is_digit(s[10]))) {
        int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
        if (!valid_date(y, m, d))
            return false;
        snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
        if (consumed)
            *consumed = 10;
        return true;
    }
    if (ps_text_iprefix(s, len, "den ")) {
        i = 4;
        while (i < len && s[i] == ' ')
            i++;
    }
    size_t dl = digits(s + i, len - i, 2);
    if (dl == 0 || dl > 2)
        return false;
    int d = num(s + i, dl);
    i += dl;
    if (i < len && s[i] == '.')
        i++;
    if (i >= len || s[i] != ' ')
        return false;
    while (i < len && s[i] == ' ')
        i++;
    size_t ml = 0;
    int m = month_at(s + i, len - i, &ml);
    if (!m)
        return false;
    i += ml;
    if (i >= len || s[i] != ' ')
        return false;
    while (i < len && s[i] == ' ')
        i++;
    if (digits(s + i, len - i, 4) != 4 || (i + 4 < len && is_digit(s[i + 4])))
        return false;
    int y = num(s + i, 4);
    if (!valid_date(y, m, d))
        return false;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    if (consumed)
        *consumed = i + 4;
    return true;
}

/* The organ named just before position p (skipping ", " and spaces): an abbreviation like
 * "KF"/"KSAU" or a capitalized word ending in fullmäktige/styrelsen/nämnden/utskott(et).
 * Returns its start, or p when none. */
static size_t organ_before(const char *t, size_t p)
{
    size_t e = p;
    while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == ','))
        e--;
    size_t b = e;
    while (b > 0 && ps_text_wordc((unsigned char)t[b - 1]))
        b--;
    if (b == e || e - b > 60)
        return p;
    if (series_len(t + b, e - b) == e - b && e - b >= 2)
        return b;
    static const char *const endings[] = {"fullmäktige", "styrelsen", "nämnden", "utskott",
                                          "utskottet"};
    if (!ps_text_upper_at(t + b, e - b))
        return p;
    for (size_t k = 0; k < sizeof endings / sizeof endings[0]; k++) {
        size_t n = strlen(endings[k]);
        if (e - b >= n && ps_text_ieq(t + e - n, n, endings[k]))
            return b;
    }
    return p;
}

ps_status ps_refs_find(const char *t, size_t len, ps_reference **refs, size_t *nrefs)
{
    *refs = NULL;
    *nrefs = 0;
    size_t cap = 0;
    for (size_t p = 0; p + 1 < len; p++) {
        if (!ps_text_para_at(t + p))
            continue;
        size_t i = p + 2;
        while (i < len && t[i] == ' ')
            i++;
        size_t nd = digits(t + i, len - i, 5);
        if (nd == 0 || nd > 5)
            continue;
        size_t num_start = i;
        i += nd;
        size_t num_end = i;
        while (i < len && (t[i] == ' ' || t[i] == ','))
            i++;
        char date[11];
        size_t dl = 0;
        if (!ps_date_parse(t + i, len - i, date, &dl))
            continue;
        size_t start = organ_before(t, p);
        char text[128];
        int n;
        if (start < p) {
            size_t e = p;
            while (e > start && (t[e - 1] == ' ' || t[e - 1] == ','))
                e--;
            n = snprintf(text, sizeof text, "%.*s § %.*s %s", (int)(e - start), t + start,
                         (int)(num_end - num_start), t + num_start, date);
        } else {
            n = snprintf(text, sizeof text, "§ %.*s %s", (int)(num_end - num_start), t + num_start,
                         date);
        }
        if (n < 0 || (size_t)n >= sizeof text)
            continue;
        if (!ps_grow(refs, &cap, *nrefs, sizeof **refs))
            return PS_ERR_NOMEM;
        char *copy = strdup(text);
        if (!copy)
            return PS_ERR_NOMEM;
        (*refs)[*nrefs].text = copy;
        (*refs)[*nrefs].start = start;
        (*nrefs)++;
        p = i + dl - 1;
    }
    return PS_OK;
}

/* Does the whole plain text t parse as one dnr? */
bool ps_text_dnr_only(const char *t, char *out, size_t outsz)
{
    size_t used = 0, n = strlen(t);
    if (!ps_dnr_parse(t, n, true, out, outsz, &used))
        return false;
    while (used < n && (t[used] == ' ' || t[used] == ','))
        used++;
    return used == n;
}

bool ps_text_date_only(const char *t, char out[11])
{
    size_t used = 0, n = strlen(t);
    return ps_date_parse(t, n, out, &used) && used == n;
}

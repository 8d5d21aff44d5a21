/*
 * analyzer/scan.c — cutting UTF-8 text into raw tokens (spans), before any normalization.
 *
 * Ordinary words are runs of letters, marks and digits joined by inner hyphens
 * ("ESF-projektet") or, between digits, by . , : ("18.00", "12,5"). Protocol text also carries
 * units that must stay whole to be searchable, recognised by shape at a token start:
 * diarienummer ("2023.076 SN"), ISO dates, "§ 94", numbers with thousands spaces ("375 000"),
 * URLs, e-mail addresses and dotted abbreviations ("t.ex.", "bl.a.").
 *
 * Every look-ahead is bounded (a URL by PS_SCAN_URL_MAX bytes, an abbreviation by a few
 * segments, ...), and each position is consumed once, so a 1 MB run without spaces costs
 * linear time. Invalid UTF-8 never becomes part of a token.
 */
#include "internal.h"

#include <string.h>
#include <utf8proc.h>

enum {
    PS_SCAN_URL_MAX = 2048,
    PS_SCAN_EMAIL_MAX = 254,
    PS_SCAN_ABBREV_SEGMENTS = 6,
    PS_SCAN_NUMBER_GROUPS = 6
};

size_t ps_analyzer_decode(const char *text, size_t len, size_t i, int32_t *cp)
{
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    /* two-byte sequences (Latin-1 letters: å ä ö é) without the general decoder */
    if (c >= 0xC2 && c <= 0xDF && i + 1 < len && ((unsigned char)text[i + 1] & 0xC0) == 0x80) {
        *cp = ((int32_t)(c & 0x1F) << 6) | ((unsigned char)text[i + 1] & 0x3F);
        return 2;
    }
    utf8proc_int32_t u;
    utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)text + i, (utf8proc_ssize_t)(len - i), &u);
    if (n <= 0)
        return 0;
    *cp = u;
    return (size_t)n;
}

bool ps_analyzer_is_word_char(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (cp == 0xAD)
        return true;
    if (cp >= 0xC0 && cp <= 0xFF) /* Latin-1 letters (Lu, Ll), but for × and ÷ */
        return cp != 0xD7 && cp != 0xF7;
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

static bool is_digit(const char *t, size_t len, size_t i)
{
    return i < len && t[i] >= '0' && t[i] <= '9';
}

static bool is_ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t digits(const char *t, size_t len, size_t i)
{
    size_t n = 0;
    while (is_digit(t, len, i + n))
        n++;
    return n;
}

/* A word character (or any letter) at i? Invalid bytes are not. */
static bool word_at(const char *t, size_t len, size_t i)
{
    int32_t cp;
    return i < len && ps_analyzer_decode(t, len, i, &cp) && ps_analyzer_is_word_char(cp);
}

/* Length of a space between number groups: ' ', NBSP or narrow NBSP; 0 when none. */
static size_t group_space(const char *t, size_t len, size_t i)
{
    if (i < len && t[i] == ' ')
        return 1;
    if (i + 1 < len && (unsigned char)t[i] == 0xC2 && (unsigned char)t[i + 1] == 0xA0)
        return 2;
    if (i + 2 < len && (unsigned char)t[i] == 0xE2 && (unsigned char)t[i + 1] == 0x80 &&
        (unsigned char)t[i + 2] == 0xAF)
        return 3;
    return 0;
}

/* 2021-05-26 */
static size_t match_date(const char *t, size_t len, size_t i)
{
    if (digits(t, len, i) != 4 || i + 10 > len || t[i + 4] != '-' || t[i + 7] != '-' ||
        digits(t, len, i + 5) != 2 || digits(t, len, i + 8) != 2 || word_at(t, len, i + 10))
        return 0;
    return 10;
}

/* 2023.076 or 2021/123, optionally followed by white space (a line break too: PDF text) and 1-4
 * capitals: "2023.076 SN". */
static size_t match_dnr(const char *t, size_t len, size_t i, size_t *core)
{
    if (digits(t, len, i) != 4 || !(t[i] == '1' || t[i] == '2') || i + 5 >= len ||
        (t[i + 4] != '.' && t[i + 4] != '/'))
        return 0;
    size_t d = digits(t, len, i + 5);
    if (d < 1 || d > (t[i + 4] == '.' ? 4u : 6u) || word_at(t, len, i + 5 + d))
        return 0;
    size_t n = 5 + d;
    *core = n;
    size_t sp = 0;
    while (sp < 4 && i + n + sp < len && strchr(" \t\r\n", t[i + n + sp]) && t[i + n + sp])
        sp++;
    if (sp > 0) {
        size_t k = 0, at = i + n + sp;
        while (k < 5 && at + k < len && t[at + k] >= 'A' && t[at + k] <= 'Z')
            k++;
        if (k >= 1 && k <= 4 && !word_at(t, len, at + k))
            n += sp + k;
    }
    return n;
}

/* 375 000, 1 250 000 (1-3 digits, then groups of exactly three). */
static size_t match_spaced_number(const char *t, size_t len, size_t i)
{
    size_t lead = digits(t, len, i);
    if (lead < 1 || lead > 3)
        return 0;
    size_t n = lead, groups = 0;
    for (;;) {
        size_t sp = group_space(t, len, i + n);
        if (!sp || digits(t, len, i + n + sp) != 3 || word_at(t, len, i + n + sp + 3) ||
            groups == PS_SCAN_NUMBER_GROUPS)
            break;
        n += sp + 3;
        groups++;
    }
    return groups ? n : 0;
}

/* http://..., https://..., www.... up to whitespace, minus trailing punctuation. */
static size_t match_url(const char *t, size_t len, size_t i)
{
    static const char *const prefixes[] = {"https://", "http://", "www."};
    if (t[i] != 'h' && t[i] != 'w')
        return 0;
    bool ok = false;
    for (size_t k = 0; k < 3 && !ok; k++) {
        size_t pl = strlen(prefixes[k]);
        ok = i + pl < len && strncmp(t + i, prefixes[k], pl) == 0 && word_at(t, len, i + pl);
    }
    if (!ok)
        return 0;
    size_t n = 0;
    while (i + n < len && n < PS_SCAN_URL_MAX && (unsigned char)t[i + n] > ' ' && t[i + n] != '<' &&
           t[i + n] != '>' && t[i + n] != '"') {
        int32_t cp;
        size_t k = ps_analyzer_decode(t, len, i + n, &cp);
        if (k == 0 || cp == 0xA0)
            break; /* invalid UTF-8 or a no-break space ends the URL */
        n += k;
    }
    while (n > 0 && strchr(".,;:!?)]}'", t[i + n - 1]))
        n--;
    return n;
}

static bool email_char(char c)
{
    return is_ascii_alpha(c) || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '%' ||
           c == '+' || c == '-';
}

/* name@example.se */
static size_t match_email(const char *t, size_t len, size_t i)
{
    size_t n = 0;
    while (i + n < len && n < PS_SCAN_EMAIL_MAX && email_char(t[i + n]))
        n++;
    if (n == 0 || i + n >= len || t[i + n] != '@')
        return 0;
    size_t at = n++, dots = 0;
    while (i + n < len && n < PS_SCAN_EMAIL_MAX &&
           (is_ascii_alpha(t[i + n]) || (t[i + n] >= '0' && t[i + n] <= '9') || t[i + n] == '-' ||
            (t[i + n] == '.' && word_at(t, len, i + n + 1))))
        dots += t[i + n++] == '.';
    return dots && n > at + 3 ? n : 0;
}

/* Swedish letter (ASCII or å ä ö é, either case) at i: its byte length, else 0. */
static size_t abbrev_letter(const char *t, size_t len, size_t i)
{
    if (i < len && is_ascii_alpha(t[i]))
        return 1;
    int32_t cp;
    size_t n = i < len ? ps_analyzer_decode(t, len, i, &cp) : 0;
    if (n && utf8proc_category(cp) >= UTF8PROC_CATEGORY_LU &&
        utf8proc_category(cp) <= UTF8PROC_CATEGORY_LO)
        return n;
    return 0;
}

/* t.ex.  bl.a.  m.m.  fr.o.m.  — at least two dotted segments of 1-4 letters; or written
 * without the last dot (t.ex, bl.a, d.v.s), when that last segment has one or two letters
 * (not "ja.Nej" run together). */
static size_t match_abbrev(const char *t, size_t len, size_t i)
{
    size_t n = 0, segs = 0;
    while (segs < PS_SCAN_ABBREV_SEGMENTS) {
        size_t letters = 0, k = n, step;
        while (letters < 5 && (step = abbrev_letter(t, len, i + k)) != 0) {
            k += step;
            letters++;
        }
        if (letters == 0 || letters > 4)
            break;
        if (i + k >= len || t[i + k] != '.')
            return segs >= 1 && letters <= 2 && !word_at(t, len, i + k) ? k : 0;
        n = k + 1;
        segs++;
    }
    return segs >= 2 && !word_at(t, len, i + n) ? n : 0;
}

/* § 94 (also §94). */
static size_t match_paragraph(const char *t, size_t len, size_t i)
{
    size_t n = 2; /* "§" is two bytes */
    size_t sp;
    while ((sp = group_space(t, len, i + n)) != 0 && n < 8)
        n += sp;
    size_t d = digits(t, len, i + n);
    if (d == 0 || d > 6)
        return 0;
    n += d;
    if (i + n < len && is_ascii_alpha(t[i + n]) && !word_at(t, len, i + n + 1))
        n++; /* § 4a */
    return word_at(t, len, i + n) ? 0 : n;
}

static bool is_hyphen(const char *t, size_t len, size_t i, size_t *hlen)
{
    if (i < len && t[i] == '-') {
        *hlen = 1;
        return true;
    }
    /* U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN */
    if (i + 2 < len && (unsigned char)t[i] == 0xE2 && (unsigned char)t[i + 1] == 0x80 &&
        ((unsigned char)t[i + 2] == 0x90 || (unsigned char)t[i + 2] == 0x91)) {
        *hlen = 3;
        return true;
    }
    return false;
}

/* An ordinary word starting at i (a word character is there). */
static size_t match_word(const char *t, size_t len, size_t i, bool *dangling, unsigned *flags)
{
    size_t n = 0;
    bool only_digits = true, has_digit = false;
    for (;;) {
        int32_t cp;
        size_t k = i + n < len ? ps_analyzer_decode(t, len, i + n, &cp) : 0;
        if (k && ps_analyzer_is_word_char(cp)) {
            bool d = cp >= '0' && cp <= '9';
            only_digits &= d;
            has_digit |= d;
            n += k;
            continue;
        }
        size_t h;
        if (n > 0 && is_hyphen(t, len, i + n, &h)) {
            if (word_at(t, len, i + n + h)) {
                n += h;
                continue;
            }
            /* "kultur- och": a hyphen before a space or comma ends an ellipsis compound */
            if (!has_digit && (i + n + h == len || t[i + n + h] == ' ' || t[i + n + h] == ',' ||
                               t[i + n + h] == '\n' || t[i + n + h] == '\t')) {
                *dangling = true;
                n += h;
            }
            break;
        }
        if (n > 0 && i + n + 1 < len && (t[i + n] == '.' || t[i + n] == ',' || t[i + n] == ':') &&
            t[i + n - 1] >= '0' && t[i + n - 1] <= '9' && is_digit(t, len, i + n + 1)) {
            n++;
            continue;
        }
        break;
    }
    if (only_digits || (has_digit && !*dangling && n > 0 && t[i] >= '0' && t[i] <= '9'))
        *flags |= PS_TOKEN_NUMBER;
    return n;
}

static bool is_ascii_alnum(unsigned char c)
{
    return is_ascii_alpha((char)c) || (c >= '0' && c <= '9');
}

bool ps_analyzer_scan_plain(const char *text, size_t len, size_t *pos, size_t *start, size_t *end,
                            uint64_t *fnv)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t i = *pos;
    while (i < len && u[i] < 0x80 && !is_ascii_alnum(u[i]))
        i++;
    *pos = i;
    size_t s = i;
    uint64_t h = PS_ANALYZER_FNV_SEED;
    while (i < len) {
        if (is_ascii_alpha((char)u[i])) {
            h = (h ^ u[i++]) * PS_ANALYZER_FNV_PRIME;
        } else if (u[i] == 0xC3 && i + 1 < len && (u[i + 1] & 0xC0) == 0x80 && u[i + 1] != 0x97 &&
                   u[i + 1] != 0xB7) {
            h = (h ^ u[i++]) * PS_ANALYZER_FNV_PRIME; /* Latin-1 letters, not × ÷ */
            h = (h ^ u[i++]) * PS_ANALYZER_FNV_PRIME;
        } else if (u[i] >= 0x80) {
            return false; /* another character: the general scanner decides */
        } else {
            break;
        }
    }
    if (i == s)
        return false; /* the end, or a digit: a number, date or dnr */
    /* what continues a word or makes a URL, e-mail address or abbreviation of it */
    if (i < len && (is_ascii_alnum(u[i]) || strchr("-.,:@_%+", (char)u[i])))
        return false;
    *start = s;
    *end = i;
    *pos = i;
    *fnv = h;
    return true;
}

bool ps_analyzer_scan(const char *text, size_t len, size_t *pos, ps_scan_token *tok,
                      size_t *invalid, size_t *first_invalid)
{
    size_t i = *pos;
    while (i < len) {
        int32_t cp;
        size_t k = ps_analyzer_decode(text, len, i, &cp);
        if (k == 0) {
            if (*first_invalid == (size_t)-1)
                *first_invalid = i;
            ++*invalid;
            i++;
            continue;
        }
        memset(tok, 0, sizeof *tok);
        tok->start = i;
        size_t n = 0, core = 0;
        if (cp == 0xA7) { /* § */
            if ((n = match_paragraph(text, len, i)) != 0)
                tok->flags = PS_TOKEN_PARAGRAPH;
        } else if (cp >= '0' && cp <= '9') {
            if ((n = match_date(text, len, i)) != 0)
                tok->flags = PS_TOKEN_DATE;
            else if ((n = match_dnr(text, len, i, &core)) != 0)
                tok->flags = PS_TOKEN_DNR;
            else if ((n = match_spaced_number(text, len, i)) != 0)
                tok->flags = PS_TOKEN_NUMBER;
        } else if (cp != 0xAD && (is_ascii_alpha((char)cp) || ps_analyzer_is_word_char(cp))) {
            /* The word as a plain word first: a URL ("https:", "www."), an e-mail address (its
             * local part runs into . _ % + - or @) and an abbreviation ("t.") all leave the plain
             * word at one of these characters, so only then are they worth trying. */
            bool dangling = false;
            unsigned wflags = 0;
            size_t w = match_word(text, len, i, &dangling, &wflags);
            char next = i + w < len ? text[i + w] : ' ';
            if (next == '.' || next == '@' || next == '_' || next == '%' || next == '+' ||
                next == '-' || next == ':') {
                if (is_ascii_alpha((char)cp) && (n = match_url(text, len, i)) != 0)
                    tok->flags = PS_TOKEN_URL;
                else if (is_ascii_alpha((char)cp) && (n = match_email(text, len, i)) != 0)
                    tok->flags = PS_TOKEN_EMAIL;
                else if ((n = match_abbrev(text, len, i)) != 0)
                    tok->flags = PS_TOKEN_ABBREV;
            }
            if (n == 0) {
                n = w;
                tok->dangling = dangling;
                tok->flags = wflags;
            }
        }
        if (n == 0 && ps_analyzer_is_word_char(cp) && cp != 0xAD)
            n = match_word(text, len, i, &tok->dangling, &tok->flags);
        if (n == 0) {
            i += k;
            continue;
        }
        tok->end = i + n;
        tok->core_end = core ? i + core : tok->end;
        *pos = tok->end;
        return true;
    }
    *pos = len;
    return false;
}

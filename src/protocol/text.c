/*
 * protocol/text.c — small UTF-8 text helpers for the parser: markdown-free plain text of a
 * line, Swedish-aware case folding for comparisons, key slugs.
 *
 * Only the letters Swedish protocols use are folded (A-Z, Å Ä Ö É Ü); full Unicode folding is
 * the analyzer's job, the parser compares against its own fixed vocabulary.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Fold one character at s: ASCII letters and the two-byte Swedish capitals. Returns the byte
 * count consumed and writes the folded bytes (same count) into t. */
static size_t fold_at(const char *s, size_t len, char t[2])
{
    unsigned char c = (unsigned char)s[0];
    if (c >= 'A' && c <= 'Z') {
        t[0] = (char)(c + 32);
        return 1;
    }
    if (c == 0xC3 && len > 1) {
        unsigned char d = (unsigned char)s[1];
        t[0] = (char)c;
        /* À..Þ (except ×) fold to à..þ by +0x20 in the second byte. */
        t[1] = (char)((d >= 0x80 && d <= 0x9E && d != 0x97) ? d + 0x20 : d);
        return 2;
    }
    t[0] = (char)c;
    return 1;
}

bool ps_text_ieq(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b), i = 0, j = 0;
    while (i < alen && j < blen) {
        char x[2], y[2];
        size_t n = fold_at(a + i, alen - i, x), m = fold_at(b + j, blen - j, y);
        if (n != m || x[0] != y[0] || (n == 2 && x[1] != y[1]))
            return false;
        i += n;
        j += m;
    }
    return i == alen && j == blen;
}

bool ps_text_iprefix(const char *s, size_t len, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (plen > len)
        return false;
    /* Do not cut a two-byte character in half. */
    if (plen < len && ((unsigned char)s[plen] & 0xC0) == 0x80)
        return false;
    return ps_text_ieq(s, plen, prefix);
}

void ps_text_lower(const char *s, size_t len, ps_buf *out)
{
    if (!ps_buf_reserve(out, len))
        return;
    char *d = out->data + out->len;
    for (size_t i = 0; i < len;) {
        size_t n = fold_at(s + i, len - i, d + i);
        i += n;
    }
    out->len += len;
    out->data[out->len] = '\0';
}

bool ps_text_upper_at(const char *s, size_t len)
{
    if (len == 0)
        return false;
    unsigned char c = (unsigned char)s[0];
    if (c >= 'A' && c <= 'Z')
        return true;
    if (c == 0xC3 && len > 1) {
        unsigned char d = (unsigned char)s[1];
        return d >= 0x80 && d <= 0x9E && d != 0x97;
    }
    return false;
}

bool ps_grow(void *arrayp, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap <= n)
        ncap = n + 1;
    if (ncap > (size_t)-1 / elem)
        return false;
    void *old;
    memcpy(&old, arrayp, sizeof old);
    void *grown = realloc(old, ncap * elem);
    if (!grown)
        return false;
    memcpy(arrayp, &grown, sizeof grown);
    *cap = ncap;
    return true;
}

bool ps_text_all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

size_t ps_text_width(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

char *ps_text_slug(const char *s, size_t len)
{
    ps_buf b = PS_BUF_INIT;
    bool dash = false;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        char out = 0;
        size_t n = 1;
        if (c >= 'A' && c <= 'Z')
            out = (char)(c + 32);
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_')
            out = (char)c;
        else if (c == 0xC3 && i + 1 < len) {
            unsigned char d = (unsigned char)s[i + 1];
            n = 2;
            if (d == 0x85 || d == 0x84 || d == 0xA5 || d == 0xA4 || d == 0x80 || d == 0x81 ||
                d == 0xA0 || d == 0xA1)
                out = 'a';
            else if (d == 0x96 || d == 0xB6 || d == 0x98 || d == 0xB8)
                out = 'o';
            else if (d == 0x89 || d == 0xA9 || d == 0x88 || d == 0xA8)
                out = 'e';
            else if (d == 0x9C || d == 0xBC)
                out = 'u';
        } else if (c >= 0x80) {
            while (i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
                n++;
        }
        if (out) {
            if (dash && b.len > 0)
                ps_buf_putc(&b, '-');
            dash = false;
            ps_buf_putc(&b, out);
        } else {
            dash = true;
        }
        i += n;
    }
    return ps_buf_steal(&b, NULL);
}

/* Length of an inline markup token at s (to be dropped from plain text), or 0. */
enum { LINK_MAX = 512 };

size_t ps_text_markup_len(const char *s, size_t len, bool at_word_start)
{
    if (s[0] == '*') {
        size_t n = 1;
        while (n < len && s[n] == '*')
            n++;
        return n;
    }
    if (s[0] == '_' && len > 1 && s[1] == '_')
        return 2;
    if (s[0] == '<' && len > 2) {
        size_t n = 1;
        if (s[n] == '/')
            n++;
        size_t letters = 0;
        while (n < len && letters <= 10 &&
               ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))) {
            n++;
            letters++;
        }
        if (letters == 0 || letters > 10)
            return 0;
        while (n < len && s[n] == ' ')
            n++;
        if (n < len && s[n] == '/')
            n++;
        return (n < len && s[n] == '>') ? n + 1 : 0;
    }
    if (s[0] == '\\' && len > 1 && strchr("\\`*_{}[]()#+-.!|", s[1]))
        return 1;
    /* Links are short: bounded look-ahead keeps a line full of '[' linear. */
    size_t window = len < LINK_MAX ? len : LINK_MAX;
    if (s[0] == '[' && at_word_start) {
        /* [text](url): drop "[" here; "](url)" is dropped when reached. */
        const char *close = memchr(s, ']', window);
        if (close && (size_t)(close - s) + 1 < len && close[1] == '(' &&
            memchr(close, ')', window - (size_t)(close - s)))
            return 1;
        return 0;
    }
    if (s[0] == ']' && len > 1 && s[1] == '(') {
        const char *close = memchr(s, ')', window);
        return close ? (size_t)(close - s) + 1 : 0;
    }
    return 0;
}

size_t ps_text_heading_marker(const char *s, size_t len)
{
    size_t h = 0;
    while (h < len && s[h] == '#')
        h++;
    if (h == 0 || h > 6 || (h < len && s[h] != ' '))
        return 0;
    while (h < len && s[h] == ' ')
        h++;
    return h;
}

/* Bytes where plain-text copying must look closer: whitespace and markup openers. */
static bool plain_stop(char c)
{
    switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\f':
    case '\r':
    case '*':
    case '_':
    case '<':
    case '\\':
    case '[':
    case ']':
        return true;
    default:
        return false;
    }
}

void ps_text_plain(const char *src, size_t start, size_t end, ps_buf *out)
{
    size_t i = start;
    while (i < end && (src[i] == ' ' || src[i] == '\t'))
        i++;
    i += ps_text_heading_marker(src + i, end - i);
    size_t base = out->len;
    bool space = false;
    while (i < end) {
        unsigned char c = (unsigned char)src[i];
        size_t m = ps_text_markup_len(src + i, end - i, out->len == base || space);
        if (m) {
            i += m;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
            space = true;
            i++;
            continue;
        }
        if (space && out->len > base)
            ps_buf_putc(out, ' ');
        space = false;
        /* Copy the run up to the next space or possible markup in one go. */
        size_t j = i + 1;
        while (j < end && !plain_stop(src[j]))
            j++;
        ps_buf_append(out, src + i, j - i);
        i = j;
    }
}

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool upper_ascii(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* Does a line break between left[0, b] (its last byte at b) and right[0, rlen) cut a date
 * ("2025-" / "04-10") or a dnr ("KS 2025/" / "118", "KS-" / "2025/118")? */
static bool cuts_number(const char *left, size_t b, const char *right, size_t rlen)
{
    if (left[b] != '-' && left[b] != '/')
        return false;
    size_t l = b + 1;
    while (l > 0 && (digit(left[l - 1]) || left[l - 1] == '-' || left[l - 1] == '/' ||
                     upper_ascii(left[l - 1])))
        l--;
    if (l > 0 && ps_text_wordc((unsigned char)left[l - 1]))
        return false;
    size_t r = 0;
    while (r < rlen && (digit(right[r]) || right[r] == '-' || right[r] == '/'))
        r++;
    if (r < rlen && ps_text_wordc((unsigned char)right[r]))
        return false;
    char tok[40];
    size_t ln = b + 1 - l, n = ln + r;
    if (r == 0 || n + 8 >= sizeof tok)
        return false;
    memcpy(tok, left + l, ln);
    memcpy(tok + ln, right, r);
    memset(tok + n, 0, sizeof tok - n);
    /* 2025-04-10 */
    if (n == 10 && digit(tok[0]) && digit(tok[1]) && digit(tok[2]) && digit(tok[3]) &&
        tok[4] == '-' && tok[7] == '-' && digit(tok[5]) && digit(tok[6]) && digit(tok[8]) &&
        digit(tok[9]))
        return (tok[0] == '1' && tok[1] == '9') || (tok[0] == '2' && tok[1] == '0');
    /* KS 2025/118 (the series before the space stays), KS-2025/118, 2025/118-1 */
    size_t k = 0;
    while (upper_ascii(tok[k]))
        k++;
    if (k && tok[k] == '-')
        k++;
    return digit(tok[k]) && digit(tok[k + 1]) && digit(tok[k + 2]) && digit(tok[k + 3]) &&
           tok[k + 4] == '/' && digit(tok[k + 5]);
}

size_t ps_text_rejoin_numbers(char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n' && o > 0) {
            size_t b = o - 1; /* the last byte kept */
            while (b > 0 && s[b] == ' ')
                b--;
            size_t a = i + 1;
            while (a < len && s[a] == ' ')
                a++;
            if (a < len && cuts_number(s, b, s + a, len - a)) {
                o = b + 1;
                i = a - 1;
                continue;
            }
        }
        s[o++] = s[i];
    }
    if (o < len)
        s[o] = '\0';
    return o;
}

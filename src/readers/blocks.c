/*
 * readers/blocks.c — the text shape of office and HTML documents (see readers/internal.h):
 * paragraphs separated by an empty line, headings and list items with their markdown prefix,
 * table rows one per line with tabs between the cells.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static bool is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
}

void ps_blocks_inline(ps_buf *b, const char *s, size_t n, bool collapse)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (collapse && is_ws(c)) {
            if (b->len && b->data[b->len - 1] != ' ' && b->data[b->len - 1] != '\n' &&
                b->data[b->len - 1] != '\t')
                ps_buf_putc(b, ' ');
            continue;
        }
        if ((unsigned char)c < 0x20 && c != '\t' && c != '\n')
            c = ' ';
        ps_buf_putc(b, c);
    }
}

/* Copy para's lines into out trimmed, without empty lines; returns the number of lines. */
static size_t clean_lines(const ps_buf *para, ps_buf *out)
{
    size_t lines = 0, i = 0, n = para->len;
    const char *s = para->data ? para->data : "";
    while (i < n) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        size_t a = i, z = e;
        while (a < z && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t'))
            z--;
        if (z > a) {
            if (lines++)
                ps_buf_putc(out, '\n');
            ps_buf_append(out, s + a, z - a);
        }
        i = e + 1;
    }
    return lines;
}

static void separate(ps_blocks *bl, bool row)
{
    if (bl->out.len == 0)
        return;
    ps_buf_puts(&bl->out, row && bl->in_table ? "\n" : "\n\n");
}

void ps_blocks_para(ps_blocks *bl, const char *prefix, ps_buf *para)
{
    ps_buf clean = PS_BUF_INIT;
    if (clean_lines(para, &clean)) {
        separate(bl, false);
        ps_buf_puts(&bl->out, prefix);
        ps_buf_append(&bl->out, clean.data, clean.len);
        bl->in_table = false;
    }
    if (clean.failed)
        bl->out.failed = true;
    ps_buf_free(&clean);
    ps_buf_clear(para);
}

void ps_blocks_row(ps_blocks *bl, ps_buf *cells, size_t n)
{
    /* Each cell's lines, cleaned; the row has as many lines as its longest cell. */
    ps_buf *clean = calloc(n ? n : 1, sizeof *clean);
    size_t rows = 0, last = 0;
    if (!clean) {
        bl->out.failed = true;
        return;
    }
    for (size_t c = 0; c < n; c++) {
        size_t k = clean_lines(&cells[c], &clean[c]);
        if (k > rows)
            rows = k;
        if (k)
            last = c + 1;
        ps_buf_clear(&cells[c]);
    }
    for (size_t r = 0; r < rows; r++) {
        separate(bl, true);
        bl->in_table = true;
        for (size_t c = 0; c < last; c++) {
            if (c)
                ps_buf_putc(&bl->out, '\t');
            /* Line r of cell c. */
            const char *s = clean[c].data ? clean[c].data : "";
            for (size_t k = 0; k < r && s; k++) {
                s = strchr(s, '\n');
                s = s ? s + 1 : NULL;
            }
            if (s)
                ps_buf_append(&bl->out, s, strcspn(s, "\n"));
        }
    }
    for (size_t c = 0; c < n; c++) {
        if (clean[c].failed)
            bl->out.failed = true;
        ps_buf_free(&clean[c]);
    }
    free(clean);
}

void ps_blocks_end_table(ps_blocks *bl)
{
    bl->in_table = false;
}

const char *ps_blocks_heading(int level)
{
    static const char *const prefixes[] = {"# ", "## ", "### ", "#### ", "##### ", "###### "};
    if (level < 1)
        level = 1;
    if (level > 6)
        level = 6;
    return prefixes[level - 1];
}

bool ps_blocks_iso_date(const char *s, char out[11])
{
    if (!s)
        return false;
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    for (int k = 0; k < 10; k++) {
        bool dash = k == 4 || k == 7;
        if (dash ? s[k] != '-' : (s[k] < '0' || s[k] > '9'))
            return false;
    }
    if (s[10] >= '0' && s[10] <= '9')
        return false;
    memcpy(out, s, 10);
    out[10] = '\0';
    int month = (out[5] - '0') * 10 + (out[6] - '0'), day = (out[8] - '0') * 10 + (out[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/*
 * test_protocol.c — the protocol parser: seeds, dnr forms, line repair, encodings, offsets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protokollsok/buf.h"
#include "protokollsok/protocol.h"

#include "../src/protocol/internal.h" /* ps_kommun_table_ok */

/* ---- helpers ------------------------------------------------------------------------------ */

static char *read_seed(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/seeds/%s", PS_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static ps_protocol_doc *parse_text(const char *text, size_t len, const ps_protocol_opts *opts)
{
    ps_protocol_doc *doc = NULL;
    ps_error err;
    ps_status st = ps_protocol_parse(text, len, opts, &doc, &err);
    if (st != PS_OK)
        fail_msg("parse failed: %s", err.message);
    return doc;
}

static ps_protocol_doc *parse_seed(const char *name, const ps_protocol_opts *opts)
{
    size_t len;
    char *text = read_seed(name, &len);
    ps_protocol_opts o = {.source_name = name};
    if (opts)
        o = *opts;
    ps_protocol_doc *doc = parse_text(text, len, &o);
    free(text);
    return doc;
}

static ps_protocol_doc *parse_str(const char *s)
{
    return parse_text(s, strlen(s), NULL);
}

static const ps_arende *find_dnr(const ps_protocol_doc *doc, const char *dnr)
{
    for (size_t i = 0; i < doc->narenden; i++)
        if (doc->arenden[i].dnr.value && strcmp(doc->arenden[i].dnr.value, dnr) == 0)
            return &doc->arenden[i];
    return NULL;
}

static void assert_field(const ps_field *f, const char *value, ps_field_source src)
{
    if (!value) {
        assert_null(f->value);
        assert_int_equal(f->source, PS_FIELD_ABSENT);
        return;
    }
    assert_non_null(f->value);
    assert_string_equal(f->value, value);
    assert_int_equal(f->source, src);
}

static const char *const seeds[] = {"000_f9d1b8ea3c7fc132.txt", "001_a605ce567de3568f.txt",
                                    "002_1cf86d2020daf07c.txt", "003_3c2ae4e3fc4bca7e.txt",
                                    "004_034c7db9e8ee52a5.txt"};

/* ---- the seeds ------------------------------------------------------------------------------ */

static void test_seed_000_001_same_arende(void **state)
{
    (void)state;
    ps_protocol_doc *a = parse_seed(seeds[0], NULL);
    /* 001 carries no date: the manifest gives it, as the indexer would. */
    ps_protocol_opts o = {.source_name = seeds[1], .date = "2023-11-01"};
    ps_protocol_doc *b = parse_seed(seeds[1], &o);
    assert_int_equal(a->narenden, 1);
    assert_int_equal(b->narenden, 1);
    const ps_arende *x = &a->arenden[0], *y = &b->arenden[0];
    assert_field(&x->dnr, "2023.076 SN", PS_FIELD_READ);
    assert_field(&y->dnr, "2023.076 SN", PS_FIELD_READ);
    assert_field(&x->paragraf, "243", PS_FIELD_READ);
    assert_field(&y->paragraf, "243", PS_FIELD_READ);
    assert_field(&x->date, "2023-11-01", PS_FIELD_READ);
    assert_field(&y->date, "2023-11-01", PS_FIELD_EXTERNAL);
    assert_string_equal(x->title.value,
                        "Förnyelse av medlemskap i Samordningsförbundet Insjöriket");
    assert_string_equal(x->title.value, y->title.value);
    assert_string_equal(x->key, "alingsas:2023.076-sn");
    assert_string_equal(x->key, y->key);
    assert_field(&x->kommun, "Alingsås", PS_FIELD_INFERRED);
    assert_field(&x->namnd, "Socialnämnden", PS_FIELD_INFERRED);
    assert_int_equal(x->nsections, y->nsections);
    assert_int_equal(x->nsections, 4);
    static const char *const names[] = {"Ärendebeskrivning", "Beredning", "Beslut",
                                        "Beslutsunderlag"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(x->sections[i].name, names[i]);
        assert_string_equal(y->sections[i].name, names[i]);
    }
    /* The repaired PDF text reads as the plain text, up to the part 001 lacks. */
    size_t common = y->body_len;
    assert_true(common > 2000);
    assert_memory_equal(x->body, y->body, common);
    assert_int_equal(x->nrefs, 2);
    assert_string_equal(x->refs[0].text, "KF § 94 2021-05-26");
    assert_string_equal(x->refs[1].text, "§ 94 2021-05-26");
    assert_int_equal(x->type, PS_DOC_PROTOKOLLSUTDRAG);
    ps_protocol_doc_free(a);
    ps_protocol_doc_free(b);
}

static void test_seed_002_kallelse(void **state)
{
    (void)state;
    ps_protocol_doc *d = parse_seed(seeds[2], NULL);
    assert_int_equal(d->type, PS_DOC_KALLELSE);
    assert_field(&d->namnd, "Socialnämndens arbetsutskott", PS_FIELD_READ);
    assert_field(&d->date, "2023-11-01", PS_FIELD_READ);
    assert_int_equal(d->narenden, 3);
    const ps_arende *info = &d->arenden[0];
    assert_null(info->dnr.value);
    assert_string_equal(info->title.value, "Information och överläggningar");
    assert_string_equal(info->key, "alingsas:002_1cf86d2020daf07c.txt-1");
    assert_non_null(strstr(info->body, "Kent Perciwall"));

    const ps_arende *a = find_dnr(d, "2023.076 SN");
    assert_non_null(a);
    assert_field(&a->date, "2023-10-24", PS_FIELD_READ);
    assert_field(&a->handlaggare, "Jessica Svanström", PS_FIELD_READ);
    assert_field(&a->title, "Förnyelse av medlemskap i Samordningsförbundet Insjöriket",
                 PS_FIELD_READ);
    assert_field(&a->namnd, "Socialnämnden", PS_FIELD_READ);
    assert_int_equal(a->type, PS_DOC_TJANSTESKRIVELSE);
    assert_string_equal(a->key, "alingsas:2023.076-sn");

    const ps_arende *b = find_dnr(d, "2023.039 SN");
    assert_non_null(b);
    assert_field(&b->date, "2023-10-11", PS_FIELD_READ);
    assert_field(&b->handlaggare, "Gunvi Sultan", PS_FIELD_READ);
    assert_field(&b->title, "Ej verkställda beslut, kvartal 3 2023", PS_FIELD_READ);
    /* The cover sheet belongs to its ärende, the bilaga too. */
    assert_true(a->src_end <= b->src_start);
    assert_non_null(strstr(b->body, "Ej verkställda beslut\nanmälda till Inspektionen för"));
    assert_non_null(strstr(b->body, "Sammanställning ej verkställda gynnande beslut"));
    assert_null(strstr(a->body, "Ej verkställda"));
    /* Table cells stay as text, one row per line. */
    assert_non_null(strstr(b->body, "Kontaktfamilj, ej verkställda\t1 st\t1 st\t1 st"));
    ps_protocol_doc_free(d);
}

static void test_seed_003_tjansteskrivelse(void **state)
{
    (void)state;
    ps_protocol_doc *d = parse_seed(seeds[3], NULL);
    assert_int_equal(d->narenden, 1);
    const ps_arende *a = &d->arenden[0];
    assert_field(&a->dnr, "2020.096 SN", PS_FIELD_READ);
    assert_field(&a->date, "2020-10-08", PS_FIELD_READ);
    assert_field(&a->handlaggare, "Tanja Mattsson", PS_FIELD_READ);
    assert_field(&a->title, "Förslag om utträde ur Samordningsförbundet Insjöriket", PS_FIELD_READ);
    assert_field(&a->kommun, "Alingsås", PS_FIELD_INFERRED);
    assert_int_equal(a->type, PS_DOC_TJANSTESKRIVELSE);
    assert_string_equal(a->key, "alingsas:2020.096-sn");
    ps_protocol_doc_free(d);
}

static void test_seed_004_koping(void **state)
{
    (void)state;
    ps_protocol_doc *d = parse_seed(seeds[4], NULL);
    assert_int_equal(d->narenden, 1);
    const ps_arende *a = &d->arenden[0];
    assert_null(a->dnr.value);
    assert_null(a->date.value);
    assert_field(&a->kommun, "Köping", PS_FIELD_INFERRED);
    assert_field(&a->namnd, "Social- och arbetsmarknadsnämnden", PS_FIELD_INFERRED);
    assert_field(&a->title, "Tjänstemannayttrande Länsförbund", PS_FIELD_READ);
    assert_string_equal(a->key, "koping:004_034c7db9e8ee52a5.txt-1");
    ps_protocol_doc_free(d);
}

/* Every word of the source appears in some ärende: in a body, a title or a field value. Words
 * only in header labels ("Datum:", "Handläggare:") and the § sign are the exceptions. */
static void test_every_source_word_survives(void **state)
{
    (void)state;
    static const char *const labels[] = {"Datum", "Handläggare", "Diariernr", "Beteckning", NULL};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        size_t len;
        char *text = read_seed(seeds[s], &len);
        ps_protocol_doc *d = parse_text(text, len, &(ps_protocol_opts){.source_name = seeds[s]});
        ps_buf all = PS_BUF_INIT;
        for (size_t i = 0; i < d->narenden; i++) {
            const ps_arende *a = &d->arenden[i];
            const ps_field *f[] = {&a->title, &a->dnr,         &a->paragraf,
                                   &a->date,  &a->handlaggare, &a->namnd};
            ps_buf_append(&all, a->body, a->body_len);
            for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
                ps_buf_putc(&all, '\n');
                if (f[k]->value && f[k]->source == PS_FIELD_READ)
                    ps_buf_puts(&all, f[k]->value);
            }
            ps_buf_putc(&all, '\n');
        }
        for (size_t i = 0; i < len;) {
            unsigned char c = (unsigned char)text[i];
            bool w = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     c >= 0x80;
            if (!w || (c == 0xC2 && (unsigned char)text[i + 1] == 0xA7)) {
                i += w ? 2 : 1;
                continue;
            }
            size_t j = i;
            while (j < len &&
                   ((text[j] >= '0' && text[j] <= '9') || (text[j] >= 'a' && text[j] <= 'z') ||
                    (text[j] >= 'A' && text[j] <= 'Z') ||
                    ((unsigned char)text[j] >= 0x80 &&
                     !((unsigned char)text[j] == 0xC2 && (unsigned char)text[j + 1] == 0xA7))))
                j++;
            char word[256];
            snprintf(word, sizeof word, "%.*s", (int)(j - i), text + i);
            bool label = false;
            for (size_t k = 0; labels[k]; k++)
                label |= strcmp(word, labels[k]) == 0;
            if (!label) {
                /* As a whole word in the collected text. */
                bool found = false;
                for (const char *p = all.data; p && (p = strstr(p, word)) != NULL; p++) {
                    unsigned char b = p > all.data ? (unsigned char)p[-1] : ' ';
                    unsigned char e = (unsigned char)p[strlen(word)];
                    bool wb = !((b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') ||
                                (b >= 'A' && b <= 'Z') || b >= 0x80);
                    bool we = !((e >= '0' && e <= '9') || (e >= 'a' && e <= 'z') ||
                                (e >= 'A' && e <= 'Z') || (e >= 0x80 && e != 0xC2));
                    if (wb && we) {
                        found = true;
                        break;
                    }
                }
                if (!found)
                    fail_msg("%s: word '%s' at byte %zu is in no ärende", seeds[s], word, i);
            }
            i = j;
        }
        ps_buf_free(&all);
        ps_protocol_doc_free(d);
        free(text);
    }
}

/* ---- dnr and references ---------------------------------------------------------------------- */

static void check_dnr(const char *in, const char *want)
{
    char *got = ps_protocol_normalize_dnr(in, strlen(in));
    if (!want) {
        if (got)
            fail_msg("'%s' should not be a dnr, got '%s'", in, got);
        return;
    }
    if (!got)
        fail_msg("'%s' not recognized as a dnr", in);
    assert_string_equal(got, want);
    free(got);
}

static void test_dnr_forms(void **state)
{
    (void)state;
    check_dnr("2023.076 SN", "2023.076 SN");
    check_dnr("2023.076  \nSN", "2023.076 SN");
    check_dnr("2023.076\tSN ", "2023.076 SN");
    check_dnr("KS 2023/123", "KS 2023/123");
    check_dnr("KS-2023/123", "KS 2023/123");
    check_dnr("2023/45-1", "2023/45-1");
    check_dnr("Dnr 2021.012", "2021.012");
    check_dnr("Dnr: 2021.012", "2021.012");
    check_dnr("Dnr KS 2021/12", "KS 2021/12");
    check_dnr("dnr. SN 2020/7-3", "SN 2020/7-3");
    check_dnr("ÄN 2022/4", "ÄN 2022/4");
    /* Not dnr: a decimal, a date, words, an impossible year, trailing text. */
    check_dnr("2023-11-01", NULL);
    check_dnr("Socialnämnden", NULL);
    check_dnr("1234.5 SN", NULL);
    check_dnr("2023.076 Socialnämnden", NULL);
    check_dnr("2023.076 SN och mer", NULL);
    check_dnr("", NULL);
}

static void test_dnr_in_paragraph_heading(void **state)
{
    (void)state;
    ps_protocol_doc *d =
        parse_str("§ 12\nDnr KS 2021/12\n\nBudget 2022\n\nBeslut\n\nKF beslutar.\n\n"
                  "§ 13 KS 2021/55 Taxor\n\nText om taxor, KS § 7 2021-02-03.\n");
    assert_int_equal(d->narenden, 2);
    assert_field(&d->arenden[0].dnr, "KS 2021/12", PS_FIELD_READ);
    assert_field(&d->arenden[0].paragraf, "12", PS_FIELD_READ);
    assert_field(&d->arenden[0].title, "Budget 2022", PS_FIELD_READ);
    assert_field(&d->arenden[0].namnd, "Kommunstyrelsen", PS_FIELD_INFERRED);
    assert_field(&d->arenden[1].dnr, "KS 2021/55", PS_FIELD_READ);
    assert_field(&d->arenden[1].title, "Taxor", PS_FIELD_READ);
    assert_int_equal(d->arenden[1].nrefs, 1);
    assert_string_equal(d->arenden[1].refs[0].text, "KS § 7 2021-02-03");
    assert_int_equal(d->type, PS_DOC_PROTOKOLL);
    ps_protocol_doc_free(d);

    /* The dnr at the end of the title line, or on the line after the title. */
    d = parse_str("§ 7 Budget 2022 (Dnr KS 2021/12)\n\nText.\n\n"
                  "§ 8\nVal av revisor\nDnr: 2021.044 KF\n\nText om valet.\n");
    assert_int_equal(d->narenden, 2);
    assert_field(&d->arenden[0].dnr, "KS 2021/12", PS_FIELD_READ);
    assert_field(&d->arenden[0].title, "Budget 2022", PS_FIELD_READ);
    assert_field(&d->arenden[1].dnr, "2021.044 KF", PS_FIELD_READ);
    assert_field(&d->arenden[1].title, "Val av revisor", PS_FIELD_READ);
    assert_string_equal(d->arenden[1].body, "Text om valet.");
    ps_protocol_doc_free(d);

    /* A paragraph that cites a § is no § heading. */
    d = parse_str("Datum: 2023-01-02\nDnr: KS 2023/1\n\nTitel\n\nText.\n\n"
                  "§ 5 Förvaltningslagen anger att myndigheten ska\nutreda ärendet.\n\n"
                  "§ 6 Kommunallagen gäller också.\n");
    assert_int_equal(d->narenden, 1);
    assert_non_null(strstr(d->arenden[0].body, "§ 5 Förvaltningslagen"));
    ps_protocol_doc_free(d);
}

/* ---- line repair ------------------------------------------------------------------------------
 */

static void test_line_repair_hyphenation(void **state)
{
    (void)state;
    const char *text = "Arbetet inom kultur- och fritidsförvaltningen samt den stora utbildnings-\n"
                       "förvaltningen har pågått länge och nu ska vi pröva om kommunens kultur-\n"
                       "och fritidsnämnden kan ta över hela ansvaret för kommunens alla IT-\n"
                       "samordnare och för de delar av verksamheten som gäller kommunens e-\n"
                       "tjänster inom hela förvaltningen samt den gemensamma växeln i huset.\n"
                       "Kort rad.\n"
                       "Ny mening på en egen rad som inte hör till förra stycket alls.\n";
    ps_protocol_doc *d = parse_str(text);
    assert_int_equal(d->narenden, 1);
    const char *b = d->arenden[0].body;
    assert_non_null(strstr(b, "den stora utbildningsförvaltningen har pågått"));
    assert_non_null(strstr(b, "kommunens kultur- och fritidsnämnden"));
    assert_non_null(strstr(b, "alla IT-samordnare och"));
    assert_non_null(strstr(b, "kommunens e-tjänster inom"));
    assert_non_null(strstr(b, "kultur- och fritidsförvaltningen"));
    /* A short line ends its paragraph. */
    assert_non_null(strstr(b, "Kort rad.\nNy mening"));
    /* Every body byte copied from the source maps back to the same bytes. */
    const ps_arende *a = &d->arenden[0];
    for (size_t i = 0; i < a->npieces; i++)
        assert_memory_equal(a->body + a->pieces[i].body_start, d->source + a->pieces[i].src_start,
                            a->pieces[i].len);
    const char *w = strstr(b, "utbildningsförvaltningen");
    size_t off = ps_arende_source_offset(a, (size_t)(w - b));
    assert_memory_equal(d->source + off, "utbildnings-", 12);
    ps_protocol_doc_free(d);
}

/* A date or dnr cut at a line end is whole again: in the header, the § line and the body. */
static void test_numbers_cut_at_line_end(void **state)
{
    (void)state;
    const char *text = "Lerums kommun\nProtokoll\nKommunstyrelsen\nSammanträdesdatum 2025-\n04-10\n\n"
                       "§ 12 Dnr KS 2025/\n118\n\nMotion om belysning\n\nBeslut\n\n"
                       "Kommunstyrelsen beslutade den 2025-\n04-10 att bifalla motionen KS 2025/\n"
                       "118 och ärendet KS-\n2025/119. Budgeten för 2025-\nårets investeringar "
                       "och år 2025/\n26 berörs inte.\n";
    ps_protocol_doc *d = parse_str(text);
    assert_string_equal(d->date.value, "2025-04-10");
    const ps_arende *a = &d->arenden[d->narenden - 1];
    assert_string_equal(a->paragraf.value, "12");
    assert_string_equal(a->dnr.value, "KS 2025/118");
    assert_string_equal(a->title.value, "Motion om belysning");
    assert_non_null(strstr(a->body, "den 2025-04-10 att bifalla motionen KS 2025/118 och ärendet "
                                    "KS-2025/119."));
    /* Not a date: the ordinary line joining ("2025-årets" keeps its hyphen). */
    assert_non_null(strstr(a->body, "2025-årets investeringar"));
    assert_non_null(strstr(a->body, "år 2025/26 berörs")); /* written so anyway */
    ps_protocol_doc_free(d);
}

/* An office suite's table as the PDF reader gives it (a tab between cells, further lines of
 * the value column starting with one): label and value stay on one row, the header with its
 * page label and the signature footer are in no body, "§ 12  Titel<tab>Dnr" is a heading. */
static void test_office_table_and_tab_heading(void **state)
{
    (void)state;
    const char *text = "Lerums kommun\tProtokoll\tSida 1(2)\n\nBeslutande\tMaria Svensson (M), "
                       "ordförande\n\tPer Holm (S)\nErsättare\tJohan Ek (M)\n\nJusterandes "
                       "signatur\tUtdragsbestyrkande\n\f"
                       "Lerums kommun\tProtokoll\tSida 2(2)\n\n§ 12  Motion om belysning\tDnr KS "
                       "2025/118\n\nBeslut\n\nKommunstyrelsen bifaller motionen.\n\nJusterandes "
                       "signatur\tUtdragsbestyrkande\n";
    ps_protocol_opts opts = {.source_name = "t.pdf", .paged = true};
    ps_protocol_doc *d = parse_text(text, strlen(text), &opts);
    assert_int_equal(d->narenden, 1);
    const ps_arende *a = &d->arenden[0];
    assert_string_equal(a->paragraf.value, "12");
    assert_string_equal(a->dnr.value, "KS 2025/118");
    assert_string_equal(a->title.value, "Motion om belysning");
    assert_non_null(strstr(a->body, "Beslutande\tMaria Svensson (M), ordförande\n\tPer Holm (S)\n"
                                    "Ersättare\tJohan Ek (M)"));
    assert_null(strstr(a->body, "Sida"));
    assert_null(strstr(a->body, "Justerandes"));
    assert_int_equal(a->page_first, 1);
    assert_int_equal(a->page_last, 2);
    ps_protocol_doc_free(d);
}

static void test_markdown_decoded(void **state)
{
    (void)state;
    ps_protocol_doc *d =
        parse_str("# **Rubrik för dokumentet**\n\n"
                  "### Bakgrund\n\nEn text med **fetstil**, _kursiv_, <i>taggar</i> "
                  "och en [länk](http://example.se/x) här.\n\n"
                  "**Förslag till beslut**\n\nNämnden beslutar.\n");
    const ps_arende *a = &d->arenden[0];
    assert_field(&a->title, "Rubrik för dokumentet", PS_FIELD_READ);
    assert_non_null(strstr(a->body, "En text med fetstil, _kursiv_, taggar och en länk här."));
    assert_int_equal(a->nsections, 2);
    assert_string_equal(a->sections[0].name, "Bakgrund");
    assert_string_equal(a->sections[1].name, "Förslag till beslut");
    assert_memory_equal(a->body + a->sections[1].start, "Nämnden beslutar.", 17);
    assert_int_equal(a->sections[1].end, a->body_len);
    ps_protocol_doc_free(d);
}

static void test_pages_and_running_headers(void **state)
{
    (void)state;
    const char *text =
        "Alingsås kommun\nSammanträdesprotokoll 2023-11-01\n\n"
        "§ 1 2023.001 KS\n\nBudget\n\nBeslut\n\nKommunstyrelsen beslutar att godkänna budgeten "
        "för\n"
        "1\n\fAlingsås kommun\nSammanträdesprotokoll 2023-11-01\n"
        "nästa år enligt förslaget.\n\n"
        "§ 2 2023.002 KS\n\nTaxor\n\nText om taxor.\n2\n\f"
        "Alingsås kommun\nSammanträdesprotokoll 2023-11-01\n\nMer text om taxor.\n3\n";
    ps_protocol_doc *d = parse_str(text);
    assert_int_equal(d->narenden, 2);
    /* The letterhead before § 1 goes with the first ärende; the repeats are dropped. */
    const ps_arende *a = find_dnr(d, "2023.001 KS"), *b = find_dnr(d, "2023.002 KS");
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(a->page_first, 1);
    assert_int_equal(a->page_last, 2);
    assert_int_equal(b->page_first, 2);
    assert_int_equal(b->page_last, 3);
    assert_non_null(strstr(a->body, "budgeten för nästa år enligt förslaget."));
    assert_null(strstr(b->body, "Sammanträdesprotokoll"));
    assert_null(strstr(b->body, "\n2\n"));
    assert_non_null(strstr(b->body, "Text om taxor.\nMer text om taxor."));
    assert_field(&d->kommun, "Alingsås", PS_FIELD_READ);
    assert_int_equal(d->type, PS_DOC_PROTOKOLL);
    assert_int_equal(d->type_source, PS_FIELD_READ);
    assert_true(d->nwarnings >= 1);
    ps_protocol_doc_free(d);
}

/* ---- decoding ----------------------------------------------------------------------------------
 */

static void test_decode_cp1252(void **state)
{
    (void)state;
    const char in[] = "\xa7 12 Budget f\xf6r \xe5r 2024\n\nBeslut\n\nKF beslutar om \x93"
                      "budget\x94.\n";
    char *out = NULL, *note = NULL;
    size_t n = 0;
    ps_error err;
    assert_int_equal(ps_protocol_decode(in, sizeof in - 1, &out, &n, &note, &err), PS_OK);
    assert_string_equal(out, "§ 12 Budget för år 2024\n\nBeslut\n\nKF beslutar om “budget”.\n");
    assert_int_equal(n, strlen(out));
    assert_non_null(note);
    assert_non_null(strstr(note, "Windows-1252"));
    /* Decoding is idempotent: the indexer decodes before parsing, which decodes again. */
    char *again = NULL, *note2 = NULL;
    size_t n2 = 0;
    assert_int_equal(ps_protocol_decode(out, n, &again, &n2, &note2, &err), PS_OK);
    assert_int_equal(n2, n);
    assert_memory_equal(again, out, n);
    assert_null(note2);
    free(again);
    free(out);
    free(note);
    ps_protocol_doc *d = parse_text(in, sizeof in - 1, NULL);
    assert_field(&d->arenden[0].title, "Budget för år 2024", PS_FIELD_READ);
    assert_int_equal(d->nwarnings, 1);
    ps_protocol_doc_free(d);
}

static void test_decode_invalid_utf8(void **state)
{
    (void)state;
    /* Mostly good UTF-8 (å ä ö) with three bad bytes: repaired, not read as Windows-1252. */
    const char in[] = "Bra text på svenska, även för öar.\nH\xe4r \xff\xfe trasigt\n";
    char *out = NULL, *note = NULL;
    size_t n = 0;
    ps_error err;
    assert_int_equal(ps_protocol_decode(in, sizeof in - 1, &out, &n, &note, &err), PS_OK);
    assert_non_null(note);
    assert_non_null(strstr(note, "offset 40"));
    assert_non_null(strstr(out, "H\xef\xbf\xbdr \xef\xbf\xbd\xef\xbf\xbd trasigt"));
    free(out);
    free(note);
    ps_protocol_doc *d = parse_text(in, sizeof in - 1, NULL);
    assert_int_equal(d->nwarnings, 1); /* once per file */
    ps_protocol_doc_free(d);
}

static void test_decode_bom_crlf(void **state)
{
    (void)state;
    const char in[] = "\xef\xbb\xbf"
                      "a\r\nb\rc\x01"
                      "d\f";
    char *out = NULL, *note = NULL;
    size_t n = 0;
    ps_error err;
    assert_int_equal(ps_protocol_decode(in, sizeof in - 1, &out, &n, &note, &err), PS_OK);
    assert_string_equal(out, "a\nb\nc d\f");
    assert_null(note);
    free(out);
    /* Exotic spaces become spaces, soft hyphens and zero-width spaces go. */
    const char sp[] = "\xc2\xa7\xc2\xa0"
                      "243 2023.076\xe2\x80\xaf"
                      "SN\nut\xc2\xad"
                      "bildning\xe2\x80\x8b";
    assert_int_equal(ps_protocol_decode(sp, sizeof sp - 1, &out, &n, &note, &err), PS_OK);
    assert_string_equal(out, "§ 243 2023.076 SN\nutbildning");
    free(out);
}

static void test_decode_refused(void **state)
{
    (void)state;
    ps_error err;
    char *out = NULL;
    size_t n;
    assert_int_equal(ps_protocol_decode("abc\0def", 7, &out, &n, NULL, &err), PS_ERR_UNSUPPORTED);
    assert_int_equal(err.offset, 3);
    assert_non_null(strstr(err.message, "offset 3"));
    assert_null(out);
    assert_int_equal(ps_protocol_decode("", 0, &out, &n, NULL, &err), PS_ERR_INVALID);
    assert_int_equal(ps_protocol_decode("%PDF-1.7\n", 9, &out, &n, NULL, &err), PS_ERR_UNSUPPORTED);
    char bin[400];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (char)(1 + i % 8);
    assert_int_equal(ps_protocol_decode(bin, sizeof bin, &out, &n, NULL, &err), PS_ERR_UNSUPPORTED);

    ps_protocol_doc *d = NULL;
    ps_protocol_opts o = {.max_bytes = 10};
    assert_int_equal(ps_protocol_parse("0123456789A", 11, &o, &d, &err), PS_ERR_TOO_LARGE);
    assert_null(d);
    assert_int_equal(ps_protocol_parse("0123456789", 10, &o, &d, &err), PS_OK);
    ps_protocol_doc_free(d);
    assert_int_equal(ps_protocol_parse("", 0, NULL, &d, &err), PS_ERR_INVALID);
    assert_int_equal(ps_protocol_parse("a\0b", 3, NULL, &d, &err), PS_ERR_UNSUPPORTED);
    assert_int_equal(err.offset, 1);
}

/* ---- metadata ----------------------------------------------------------------------------------
 */

static void test_external_metadata(void **state)
{
    (void)state;
    ps_protocol_opts o = {.source_name = "seeds/002_1cf86d2020daf07c.txt",
                          .kommun = "Alingsås",
                          .namnd = "Socialnämndens arbetsutskott",
                          .date = "2023-11-01"};
    ps_protocol_doc *d = parse_seed(seeds[2], &o);
    assert_field(&d->kommun, "Alingsås", PS_FIELD_EXTERNAL);
    assert_field(&d->namnd, "Socialnämndens arbetsutskott", PS_FIELD_EXTERNAL);
    assert_field(&d->date, "2023-11-01", PS_FIELD_EXTERNAL);
    /* An ärende keeps what its own tjänsteskrivelse header says. */
    const ps_arende *a = find_dnr(d, "2023.076 SN");
    assert_field(&a->kommun, "Alingsås", PS_FIELD_EXTERNAL);
    assert_field(&a->namnd, "Socialnämnden", PS_FIELD_READ);
    assert_field(&a->date, "2023-10-24", PS_FIELD_READ);
    assert_field(&d->arenden[0].date, "2023-11-01", PS_FIELD_EXTERNAL);
    assert_string_equal(d->arenden[0].key, "alingsas:seeds-002_1cf86d2020daf07c.txt-1");
    ps_protocol_doc_free(d);

    ps_protocol_opts k = {.kommun = "Köping", .type = "protokoll"};
    d = parse_seed(seeds[3], &k);
    assert_string_equal(d->arenden[0].key, "koping:2020.096-sn");
    assert_int_equal(d->arenden[0].type, PS_DOC_PROTOKOLL);
    assert_int_equal(d->arenden[0].type_source, PS_FIELD_EXTERNAL);
    ps_protocol_doc_free(d);
}

static void test_kommun_table(void **state)
{
    (void)state;
    size_t n = 0;
    const char *name, *official;
    while (ps_protocol_kommun_at(n, &name, &official)) {
        const char *back = ps_protocol_kommun(official, strlen(official));
        if (!back || strcmp(back, name) != 0)
            fail_msg("%s (%s) does not look up to itself", official, name);
        for (size_t j = 0; j < n; j++) {
            const char *other;
            ps_protocol_kommun_at(j, &other, NULL);
            assert_string_not_equal(other, name);
        }
        n++;
    }
    assert_int_equal(n, 290);
    assert_true(ps_kommun_table_ok());
    static const char *const cases[][2] = {{"Köpings kommun", "Köping"},
                                           {"Alingsås kommun", "Alingsås"},
                                           {"Mölndals stad", "Mölndal"},
                                           {"Falu kommun", "Falun"},
                                           {"Region Gotland", "Gotland"},
                                           {"Upplands Väsby kommun", "Upplands Väsby"},
                                           {"Malung-Sälens kommun", "Malung-Sälen"},
                                           {"Göteborgs Stad", "Göteborg"},
                                           {"köping", "Köping"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *k = ps_protocol_kommun(cases[i][0], strlen(cases[i][0]));
        assert_non_null(k);
        assert_string_equal(k, cases[i][1]);
    }
    assert_null(ps_protocol_kommun("Socialnämnden", 13));
    char *slug = ps_protocol_slug("Upplands Väsby", strlen("Upplands Väsby"));
    assert_string_equal(slug, "upplands-vasby");
    free(slug);
    slug = ps_protocol_slug("Örnsköldsvik", strlen("Örnsköldsvik"));
    assert_string_equal(slug, "ornskoldsvik");
    free(slug);
}

static void test_kommun_inference(void **state)
{
    (void)state;
    /* Enumerations count less than a mention of the kommun acting. */
    ps_protocol_doc *d =
        parse_str("Tjänsteskrivelse\n\nMedlemmar är Arboga kommun, Kungsörs kommun och Köpings "
                  "kommun.\n\nKöpings kommun betalar 375 000 kronor.\n");
    assert_field(&d->kommun, "Köping", PS_FIELD_INFERRED);
    ps_protocol_doc_free(d);
    /* Only documents that look municipal get a kommun or nämnd from the text's mentions: a
     * government text naming a kommun (or "Sverige och Exportkreditnämnden") is not its. */
    d = parse_str("# Regeringen stödjer Köpings kommun\n\nMedlemmar är Arboga kommun, Kungsörs "
                  "kommun och Köpings kommun.\n\nKöpings kommun betalar 375 000 kronor till "
                  "Socialnämnden.\n");
    assert_null(d->kommun.value);
    assert_null(d->namnd.value);
    assert_null(d->arenden[0].kommun.value);
    ps_protocol_doc_free(d);
    d = parse_str("Protokoll\n\n§ 1 Avtal\n\nAvtalet mellan Sverige och Exportkreditnämnden "
                  "gäller.\n");
    assert_string_equal(d->namnd.value, "Exportkreditnämnden");
    ps_protocol_doc_free(d);
    d = parse_str("Mölndals stad\n\nTjänsteskrivelse\n\nText om Borås stad och Lerums kommun.\n");
    assert_field(&d->kommun, "Mölndal", PS_FIELD_READ);
    assert_int_equal(d->type, PS_DOC_TJANSTESKRIVELSE);
    ps_protocol_doc_free(d);
    /* A tie names no kommun. */
    d = parse_str("Arboga kommun och Kungsörs kommun samarbetar.\n");
    assert_null(d->kommun.value);
    assert_string_equal(d->arenden[0].key, "okand:dokument-1");
    ps_protocol_doc_free(d);
}

static void test_doc_types(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        ps_doc_type type;
    } cases[] = {
        {"PROTOKOLL\n\n§ 1\n\nText.\n", PS_DOC_PROTOKOLL},
        {"Protokollsutdrag\n\n§ 5 KS 2020/1\n\nText.\n", PS_DOC_PROTOKOLLSUTDRAG},
        {"Kallelse till Kommunstyrelsen\n\nText.\n", PS_DOC_KALLELSE},
        {"Yttrande över remiss om vatten\n\nText.\n", PS_DOC_YTTRANDE},
        {"Ingenting särskilt här.\n", PS_DOC_OTHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ps_protocol_doc *d = parse_str(cases[i].text);
        if (d->type != cases[i].type)
            fail_msg("case %zu: type %s", i, ps_doc_type_name(d->type));
        assert_int_equal(d->arenden[0].type, cases[i].type);
        ps_protocol_doc_free(d);
    }
    ps_protocol_doc *d = parse_str("Kallelse till Kommunstyrelsen\n\nText.\n");
    assert_field(&d->namnd, "Kommunstyrelsen", PS_FIELD_READ);
    ps_protocol_doc_free(d);
    d = parse_str("PROTOKOLLSUTDRAG\nSocialnämnden\nSammanträdesdatum 2023-11-01\n\n"
                  "§ 243 2023.076 SN\nTitel\n\nBeslut\n\nText.\n");
    assert_int_equal(d->type, PS_DOC_PROTOKOLLSUTDRAG);
    assert_int_equal(d->type_source, PS_FIELD_READ);
    assert_field(&d->date, "2023-11-01", PS_FIELD_READ);
    assert_field(&d->namnd, "Socialnämnden", PS_FIELD_READ);
    assert_field(&d->arenden[0].date, "2023-11-01", PS_FIELD_READ);
    ps_protocol_doc_free(d);
}

/* Offsets of every seed: pieces copy the source exactly, sections and spans are in range. */
static void test_seed_offsets(void **state)
{
    (void)state;
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        ps_protocol_doc *d = parse_seed(seeds[s], NULL);
        for (size_t i = 0; i < d->narenden; i++) {
            const ps_arende *a = &d->arenden[i];
            assert_true(a->src_start <= a->src_end && a->src_end <= d->source_len);
            size_t covered = 0;
            for (size_t k = 0; k < a->npieces; k++) {
                const ps_offset_piece *p = &a->pieces[k];
                assert_memory_equal(a->body + p->body_start, d->source + p->src_start, p->len);
                assert_true(p->src_start >= a->src_start && p->src_start + p->len <= a->src_end);
                covered += p->len;
            }
            /* Repair inserts only separators: one byte per join or paragraph. */
            size_t inserted = a->body_len - covered;
            size_t seps = 0;
            for (size_t k = 0; k < a->body_len; k++)
                seps += a->body[k] == '\n' || a->body[k] == ' ';
            assert_true(inserted <= seps);
            for (size_t k = 0; k < a->nsections; k++)
                assert_true(a->sections[k].start <= a->sections[k].end &&
                            a->sections[k].end <= a->body_len);
        }
        ps_protocol_doc_free(d);
    }
}

/* A protocol as PDF text: letterhead and footers on every page, several §, front matter. */
static void test_protocol_with_pages(void **state)
{
    (void)state;
    size_t len;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/protocol/protokoll_pages.txt", PS_SOURCE_DIR);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char text[8192];
    len = fread(text, 1, sizeof text, f);
    fclose(f);
    ps_protocol_doc *d = parse_text(text, len, &(ps_protocol_opts){.source_name = "ks.txt"});
    assert_int_equal(d->type, PS_DOC_PROTOKOLL);
    assert_field(&d->kommun, "Köping", PS_FIELD_READ);
    assert_field(&d->namnd, "Kommunstyrelsen", PS_FIELD_READ);
    assert_field(&d->date, "2022-03-15", PS_FIELD_READ);
    assert_int_equal(d->narenden, 4);
    const ps_arende *front = &d->arenden[0];
    assert_field(&front->title, "Protokoll, Kommunstyrelsen 2022-03-15", PS_FIELD_INFERRED);
    assert_non_null(strstr(front->body, "Justerare: Bengt Berg"));
    const ps_arende *a = find_dnr(d, "KS 2022/101");
    assert_non_null(a);
    assert_field(&a->paragraf, "45", PS_FIELD_READ);
    assert_field(&a->title, "Ändring av taxa för bygglov", PS_FIELD_READ);
    assert_field(&a->date, "2022-03-15", PS_FIELD_READ);
    assert_int_equal(a->page_first, 1);
    assert_int_equal(a->page_last, 2);
    assert_non_null(strstr(a->body, "handläggning i kommunfullmäktige."));
    assert_non_null(strstr(a->body, "taxan för bygglov ändras så att den följer Sveriges"));
    assert_int_equal(a->nrefs, 1);
    assert_string_equal(a->refs[0].text, "MBN § 12 2022-02-10");
    const ps_arende *b = find_dnr(d, "KS 2022/7");
    assert_non_null(b);
    assert_string_equal(d->arenden[3].title.value, "Informationsärenden");
    assert_string_equal(d->arenden[3].key, "koping:ks.txt-4");
    for (size_t i = 0; i < d->narenden; i++) {
        const char *body = d->arenden[i].body;
        assert_null(strstr(body, "Justerandes sign"));
        assert_null(strstr(body, "Sida "));
        assert_null(strstr(body, "Utdragsbestyrkande"));
        if (i > 0)
            assert_null(strstr(body, "SAMMANTRÄDESPROTOKOLL"));
    }
    ps_protocol_doc_free(d);
}

/* Inputs built to hit every loop hard: each must parse in bounded time (no quadratic path). */
static void repeat(ps_buf *b, const char *unit, size_t times)
{
    for (size_t i = 0; i < times; i++)
        ps_buf_printf(b, unit, (int)(i % 997));
}

static void test_adversarial_inputs(void **state)
{
    (void)state;
    static const struct {
        const char *unit;
        size_t times;
    } cases[] = {
        {"[", 300000},
        {"<abcdefghijklmnop", 20000},
        {"§ %d 2023.%03d SN\n", 20000},
        {"Datum: 2023-01-01\nHandläggare: A\n\nTitel %d\n\n", 10000},
        {"%d. Ärende utan dnr\n", 600},
        {"Text på en sida %d som slutar med ut-\n\f", 20000},
        {"Alingsås kommun Köpings kommun, Socialnämnden %d och ", 20000},
        {"§ %d den 1 maj 2020 KF, ", 20000},
        {"-\n", 100000},
        {"\n", 200000},
    };
    clock_t start = clock();
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ps_buf b = PS_BUF_INIT;
        if (c == 4)
            ps_buf_puts(&b, "Ärendelista\n\n");
        repeat(&b, cases[c].unit, cases[c].times);
        if (c == 4)
            repeat(&b, "\nDatum: 2023-01-01\nHandläggare: A\n\nÄrende utan dnr %d\n\nText.\n",
                   2000);
        ps_protocol_doc *d = parse_text(b.data, b.len, NULL);
        assert_true(d->narenden >= 1);
        char *json = ps_protocol_doc_to_json(d, "x");
        assert_non_null(json);
        free(json);
        ps_protocol_doc_free(d);
        ps_buf_free(&b);
    }
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    if (seconds > 60)
        fail_msg("adversarial inputs took %.1f s of CPU", seconds);
}

/* A kallelse: its agenda items become ärenden, the attached tjänsteskrivelse is matched by dnr. */
static void test_kallelse_agenda(void **state)
{
    (void)state;
    ps_protocol_doc *d =
        parse_str("KALLELSE\nKommunstyrelsen\n2023-06-01 kl. 13.00\n\n"
                  "Föredragningslista\n1. Upprop\n2. Val av justerare\n"
                  "3. Budget 2024\nDnr KS 2023/200\n"
                  "4. Motion om cykelbanor, KS 2023/55\n\n"
                  "Tjänsteskrivelse\nDatum: 2023-05-20\nDiarienummer: KS 2023/200\n"
                  "Handläggare: Eva Ek\n\nBudget 2024\n\nSammanfattning\n"
                  "Förvaltningen föreslår en budget för 2024 som\nbalanserar.\n");
    assert_int_equal(d->type, PS_DOC_KALLELSE);
    assert_int_equal(d->type_source, PS_FIELD_READ);
    assert_field(&d->date, "2023-06-01", PS_FIELD_READ);
    assert_field(&d->namnd, "Kommunstyrelsen", PS_FIELD_READ);
    assert_int_equal(d->narenden, 4);
    assert_field(&d->arenden[0].title, "Upprop", PS_FIELD_READ);
    assert_non_null(strstr(d->arenden[0].body, "2. Val av justerare"));
    assert_field(&d->arenden[1].title, "Val av justerare", PS_FIELD_READ);
    assert_string_equal(d->arenden[1].body, "");
    const ps_arende *motion = find_dnr(d, "KS 2023/55");
    assert_non_null(motion);
    assert_field(&motion->title, "Motion om cykelbanor", PS_FIELD_READ);
    assert_string_equal(motion->key, "okand:ks-2023-55");
    const ps_arende *budget = find_dnr(d, "KS 2023/200");
    assert_non_null(budget);
    assert_int_equal(budget->type, PS_DOC_TJANSTESKRIVELSE);
    assert_field(&budget->date, "2023-05-20", PS_FIELD_READ);
    assert_field(&budget->handlaggare, "Eva Ek", PS_FIELD_READ);
    assert_field(&budget->title, "Budget 2024", PS_FIELD_READ);
    assert_string_equal(budget->body, "Tjänsteskrivelse\nSammanfattning\n"
                                      "Förvaltningen föreslår en budget för 2024 som balanserar.");
    ps_protocol_doc_free(d);

    /* A wrapped title is repaired like the body. */
    d = parse_str("Tjänsteskrivelse\n2023-05-04\nDnr KS 2023/123\n\nRiktlinjer för e-\ntjänster "
                  "och utbildnings-\nförvaltningens webb\n\nSammanfattning\n\nText.\n");
    assert_field(&d->arenden[0].title,
                 "Riktlinjer för e-tjänster och utbildningsförvaltningens webb", PS_FIELD_READ);
    assert_field(&d->arenden[0].dnr, "KS 2023/123", PS_FIELD_READ);
    assert_field(&d->arenden[0].date, "2023-05-04", PS_FIELD_READ);
    ps_protocol_doc_free(d);
}

/* An ärende without a dnr is keyed by the whole source name (the indexer's path relative to
 * its root), and names whose slugs coincide still get different keys. */
static void test_key_from_source_path(void **state)
{
    (void)state;
    const char *text = "# Lagrådsremiss\n\nFörslag om vattenbruk.\n";
    const char *names[] = {"2019/lagradsremiss.md", "2021/lagradsremiss.md", "Möte 1.md",
                           "mote-1.md", "mote/1.md"};
    char *keys[5];
    for (size_t i = 0; i < 5; i++) {
        ps_protocol_opts o = {.source_name = names[i]};
        ps_protocol_doc *d = parse_text(text, strlen(text), &o);
        assert_true(d->narenden >= 1);
        keys[i] = strdup(d->arenden[0].key);
        ps_protocol_doc_free(d);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(keys[i], keys[j]);
    }
    assert_string_equal(keys[4], "okand:mote-1.md-1"); /* only '/' → '-': no hash needed */
    assert_non_null(strstr(keys[0], "okand:2019-lagradsremiss.md-")); /* '-' and '/': hashed */
    for (size_t i = 0; i < 5; i++)
        free(keys[i]);
    /* a long path (regeringen.se names files by their whole title) still gives a short key,
     * one per path */
    char a[301], b[301];
    memset(a, 'x', 300);
    a[300] = '\0';
    memcpy(b, a, sizeof b);
    b[299] = 'y';
    ps_protocol_opts oa = {.source_name = a}, ob = {.source_name = b};
    ps_protocol_doc *da = parse_text(text, strlen(text), &oa);
    ps_protocol_doc *db = parse_text(text, strlen(text), &ob);
    assert_true(strlen(da->arenden[0].key) <= 200);
    assert_string_not_equal(da->arenden[0].key, db->arenden[0].key);
    ps_protocol_doc_free(da);
    ps_protocol_doc_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_from_source_path),
        cmocka_unit_test(test_dnr_forms),
        cmocka_unit_test(test_dnr_in_paragraph_heading),
        cmocka_unit_test(test_seed_000_001_same_arende),
        cmocka_unit_test(test_seed_002_kallelse),
        cmocka_unit_test(test_seed_003_tjansteskrivelse),
        cmocka_unit_test(test_seed_004_koping),
        cmocka_unit_test(test_every_source_word_survives),
        cmocka_unit_test(test_seed_offsets),
        cmocka_unit_test(test_line_repair_hyphenation),
        cmocka_unit_test(test_numbers_cut_at_line_end),
        cmocka_unit_test(test_office_table_and_tab_heading),
        cmocka_unit_test(test_markdown_decoded),
        cmocka_unit_test(test_pages_and_running_headers),
        cmocka_unit_test(test_protocol_with_pages),
        cmocka_unit_test(test_kallelse_agenda),
        cmocka_unit_test(test_decode_cp1252),
        cmocka_unit_test(test_decode_invalid_utf8),
        cmocka_unit_test(test_decode_bom_crlf),
        cmocka_unit_test(test_decode_refused),
        cmocka_unit_test(test_external_metadata),
        cmocka_unit_test(test_kommun_table),
        cmocka_unit_test(test_kommun_inference),
        cmocka_unit_test(test_doc_types),
        cmocka_unit_test(test_adversarial_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

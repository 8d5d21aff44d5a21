/*
 * protocol.c — one document in, its ärenden out (ps_protocol_parse).
 *
 * Stages, each a pass over the source split into lines (protocol/internal.h):
 *   1. decode the bytes (protocol/decode.c); split lines, count pages at '\f', mark noise: page
 *      numbers, running headers and footers (protocol/lines.c);
 *   2. read the Ärendelista and find anchors where an ärende starts: a § heading
 *      ("§ 243 2023.076 SN") or a tjänsteskrivelse header block with a new dnr, each extended
 *      back over its cover sheet (protocol/split.c, vocabulary in protocol/vocab.c);
 *   3. the document's own type, date and nämnd (protocol/meta.c), its kommun and nämnd
 *      inferred from mentions and dnr series letters (protocol/kommun.c);
 *   4. per ärende: title, fields, headings, then the body with its sections, references and
 *      offset map (protocol/body.c; dnr, dates, references in protocol/dnr.c);
 *   5. fill what the ärende does not say itself from the document and from the caller's
 *      metadata, then give each ärende its key. JSON: protocol/json.c.
 * Text before the first ärende (meeting header, agenda) goes to the first agenda-only item if
 * there is one; a protocol's front matter (attendance, justerare) before several § is an ärende
 * of its own; else it opens the first ärende. So no body text is lost.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ps_doc_type_name(ps_doc_type type)
{
    switch (type) {
    case PS_DOC_PROTOKOLL:
        return "protokoll";
    case PS_DOC_PROTOKOLLSUTDRAG:
        return "protokollsutdrag";
    case PS_DOC_TJANSTESKRIVELSE:
        return "tjänsteskrivelse";
    case PS_DOC_KALLELSE:
        return "kallelse";
    case PS_DOC_YTTRANDE:
        return "yttrande";
    case PS_DOC_OTHER:
        break;
    }
    return "övrigt";
}

bool ps_doc_type_from_name(const char *name, ps_doc_type *type)
{
    for (int t = PS_DOC_PROTOKOLL; t <= PS_DOC_OTHER; t++) {
        if (ps_text_ieq(name, strlen(name), ps_doc_type_name((ps_doc_type)t))) {
            *type = (ps_doc_type)t;
            return true;
        }
    }
    if (ps_text_ieq(name, strlen(name), "tjansteskrivelse") ||
        ps_text_ieq(name, strlen(name), "other") || ps_text_ieq(name, strlen(name), "ovrigt")) {
        *type = ps_text_ieq(name, strlen(name), "tjansteskrivelse") ? PS_DOC_TJANSTESKRIVELSE
                                                                    : PS_DOC_OTHER;
        return true;
    }
    return false;
}

const char *ps_field_source_name(ps_field_source s)
{
    switch (s) {
    case PS_FIELD_READ:
        return "read";
    case PS_FIELD_INFERRED:
        return "inferred";
    case PS_FIELD_EXTERNAL:
        return "external";
    case PS_FIELD_ABSENT:
        break;
    }
    return "absent";
}

void ps_field_clear(ps_field *f)
{
    free(f->value);
    f->value = NULL;
    f->source = PS_FIELD_ABSENT;
}

bool ps_field_set(ps_field *f, const char *value, ps_field_source source)
{
    char *copy = NULL;
    if (value && !(copy = strdup(value)))
        return false;
    free(f->value);
    f->value = copy;
    f->source = copy ? source : PS_FIELD_ABSENT;
    return true;
}

static void arende_free(ps_arende *a)
{
    free(a->key);
    ps_field *fields[] = {&a->dnr,    &a->paragraf, &a->title,      &a->namnd,
                          &a->kommun, &a->date,     &a->handlaggare};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        ps_field_clear(fields[i]);
    free(a->body);
    for (size_t i = 0; i < a->nsections; i++)
        free(a->sections[i].name);
    free(a->sections);
    for (size_t i = 0; i < a->nrefs; i++)
        free(a->refs[i].text);
    free(a->refs);
    free(a->pieces);
}

void ps_protocol_doc_free(ps_protocol_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->narenden; i++)
        arende_free(&doc->arenden[i]);
    free(doc->arenden);
    free(doc->source);
    ps_field_clear(&doc->date);
    ps_field_clear(&doc->namnd);
    ps_field_clear(&doc->kommun);
    for (size_t i = 0; i < doc->nwarnings; i++)
        free(doc->warnings[i]);
    free(doc->warnings);
    free(doc);
}

char *ps_protocol_normalize_dnr(const char *text, size_t len)
{
    if (!text)
        return NULL;
    char out[64];
    size_t used = 0;
    if (!ps_dnr_parse(text, len, true, out, sizeof out, &used))
        return NULL;
    while (used < len && (text[used] == ' ' || text[used] == '\t' || text[used] == '\n'))
        used++;
    return used == len ? strdup(out) : NULL;
}

char *ps_protocol_slug(const char *text, size_t len)
{
    return ps_text_slug(text ? text : "", text ? len : 0);
}

size_t ps_arende_source_offset(const ps_arende *a, size_t body_offset)
{
    if (!a || a->npieces == 0)
        return a ? a->src_start : 0;
    size_t lo = 0, hi = a->npieces;
    /* Last piece with body_start <= body_offset. */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->pieces[mid].body_start <= body_offset)
            lo = mid;
        else
            hi = mid;
    }
    const ps_offset_piece *p = &a->pieces[lo];
    if (body_offset < p->body_start)
        return p->src_start;
    if (body_offset < p->body_start + p->len)
        return p->src_start + (body_offset - p->body_start);
    /* An inserted byte after piece lo: the next piece's start, else the end of this one. */
    if (lo + 1 < a->npieces)
        return a->pieces[lo + 1].src_start;
    return p->src_start + p->len;
}

ps_status ps_protocol_parse(const char *bytes, size_t len, const ps_protocol_opts *opts,
                            ps_protocol_doc **out, ps_error *err)
{
    *out = NULL;
    size_t max = (opts && opts->max_bytes) ? opts->max_bytes : PS_PROTOCOL_DEFAULT_MAX_BYTES;
    if (len > max)
        return ps_error_set(err, PS_ERR_TOO_LARGE, "%zu bytes, over the limit of %zu bytes", len,
                            max);
    ps_protocol_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    char *note = NULL;
    ps_status st = ps_protocol_decode(bytes, len, &doc->source, &doc->source_len, &note, err);
    if (st != PS_OK) {
        ps_protocol_doc_free(doc);
        return st;
    }
    doc->source_len = ps_text_rejoin_numbers(doc->source, doc->source_len);
    if (note) {
        doc->warnings = malloc(sizeof *doc->warnings);
        if (!doc->warnings) {
            free(note);
            ps_protocol_doc_free(doc);
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
        }
        doc->warnings[doc->nwarnings++] = note;
    }
    doc->ocr = opts && opts->ocr;
    st = ps_parse_document(doc, opts);
    if (st != PS_OK) {
        ps_protocol_doc_free(doc);
        return ps_error_set(err, st, "out of memory while parsing");
    }
    *out = doc;
    ps_error_clear(err);
    return PS_OK;
}

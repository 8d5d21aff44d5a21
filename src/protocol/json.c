/*
 * protocol/json.c — a parsed document as JSON (what `protokollsok parse` prints).
 *
 * {"path": ..., "type": {"value", "source"}, "date": {...}, "namnd": {...}, "kommun": {...},
 *  "source_bytes": N, "warnings": [...],
 *  "arenden": [{"key", "dnr": {"value","source"}, "paragraf", "title", "namnd", "kommun",
 *               "date", "handlaggare", "type": {"value","source"},
 *               "pages": {"first","last"}, "src": {"start","end"},
 *               "sections": [{"name","start","end"}], "refs": [{"text","start"}],
 *               "body_bytes": N, "body": "..."}]}
 * Field objects always have both keys; an absent field is {"value": null, "source": "absent"}.
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>

static json_t *field(const ps_field *f)
{
    return json_pack("{s:s?, s:s}", "value", f->value, "source", ps_field_source_name(f->source));
}

static json_t *arende(const ps_arende *a)
{
    json_t *sections = json_array(), *refs = json_array();
    for (size_t i = 0; i < a->nsections; i++)
        json_array_append_new(sections, json_pack("{s:s, s:I, s:I}", "name", a->sections[i].name,
                                                  "start", (json_int_t)a->sections[i].start, "end",
                                                  (json_int_t)a->sections[i].end));
    for (size_t i = 0; i < a->nrefs; i++)
        json_array_append_new(refs, json_pack("{s:s, s:I}", "text", a->refs[i].text, "start",
                                              (json_int_t)a->refs[i].start));
    json_t *o = json_object();
    json_object_set_new(o, "key", json_string(a->key));
    json_object_set_new(o, "dnr", field(&a->dnr));
    json_object_set_new(o, "paragraf", field(&a->paragraf));
    json_object_set_new(o, "title", field(&a->title));
    json_object_set_new(o, "namnd", field(&a->namnd));
    json_object_set_new(o, "kommun", field(&a->kommun));
    json_object_set_new(o, "date", field(&a->date));
    json_object_set_new(o, "handlaggare", field(&a->handlaggare));
    json_object_set_new(o, "type",
                        json_pack("{s:s, s:s}", "value", ps_doc_type_name(a->type), "source",
                                  ps_field_source_name(a->type_source)));
    json_object_set_new(o, "pages",
                        json_pack("{s:i, s:i}", "first", a->page_first, "last", a->page_last));
    json_object_set_new(
        o, "src",
        json_pack("{s:I, s:I}", "start", (json_int_t)a->src_start, "end", (json_int_t)a->src_end));
    json_object_set_new(o, "sections", sections);
    json_object_set_new(o, "refs", refs);
    json_object_set_new(o, "body_bytes", json_integer((json_int_t)a->body_len));
    json_object_set_new(o, "body", json_stringn(a->body, a->body_len));
    return o;
}

char *ps_protocol_doc_to_json(const ps_protocol_doc *doc, const char *path)
{
    if (!doc)
        return NULL;
    json_t *o = json_object();
    json_object_set_new(o, "path", path ? json_string(path) : json_null());
    json_object_set_new(o, "type",
                        json_pack("{s:s, s:s}", "value", ps_doc_type_name(doc->type), "source",
                                  ps_field_source_name(doc->type_source)));
    json_object_set_new(o, "date", field(&doc->date));
    json_object_set_new(o, "namnd", field(&doc->namnd));
    json_object_set_new(o, "kommun", field(&doc->kommun));
    json_object_set_new(o, "source_bytes", json_integer((json_int_t)doc->source_len));
    if (doc->ocr)
        json_object_set_new(o, "ocr", json_true());
    json_t *w = json_array();
    for (size_t i = 0; i < doc->nwarnings; i++)
        json_array_append_new(w, json_string(doc->warnings[i]));
    json_object_set_new(o, "warnings", w);
    json_t *arr = json_array();
    for (size_t i = 0; i < doc->narenden; i++)
        json_array_append_new(arr, arende(&doc->arenden[i]));
    json_object_set_new(o, "arenden", arr);
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return text;
}

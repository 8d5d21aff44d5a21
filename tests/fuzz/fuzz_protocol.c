/*
 * fuzz_protocol.c — libFuzzer harness: decode, parse and print any bytes; free everything.
 * Also checks invariants the rest of the system relies on: spans inside the source, sections
 * inside the body, pieces inside both, keys in the allowed alphabet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/protocol.h"

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = NULL, *note = NULL;
    size_t out_len = 0;
    ps_error err;
    if (ps_protocol_decode((const char *)data, size, &out, &out_len, &note, &err) == PS_OK)
        check(out != NULL && strlen(out) == out_len);
    free(out);
    free(note);

    ps_protocol_opts opts = {.source_name = "fuzz/input.txt", .max_bytes = 1 << 20};
    ps_protocol_doc *doc = NULL;
    if (ps_protocol_parse((const char *)data, size, &opts, &doc, &err) != PS_OK)
        return 0;
    for (size_t i = 0; i < doc->narenden; i++) {
        const ps_arende *a = &doc->arenden[i];
        check(a->key != NULL &&
              strspn(a->key, "abcdefghijklmnopqrstuvwxyz0123456789._-:") == strlen(a->key));
        check(a->src_start <= a->src_end && a->src_end <= doc->source_len);
        check(strlen(a->body) == a->body_len);
        for (size_t s = 0; s < a->nsections; s++)
            check(a->sections[s].start <= a->sections[s].end && a->sections[s].end <= a->body_len);
        for (size_t p = 0; p < a->npieces; p++) {
            const ps_offset_piece *pc = &a->pieces[p];
            check(pc->body_start + pc->len <= a->body_len);
            check(pc->src_start + pc->len <= doc->source_len);
            check(memcmp(a->body + pc->body_start, doc->source + pc->src_start, pc->len) == 0);
            check(p == 0 || a->pieces[p - 1].body_start + a->pieces[p - 1].len <= pc->body_start);
        }
        for (size_t r = 0; r < a->nrefs; r++)
            check(a->refs[r].start < a->body_len);
        check(ps_arende_source_offset(a, a->body_len / 2) <= doc->source_len);
    }
    char *json = ps_protocol_doc_to_json(doc, "fuzz/input.txt");
    check(json != NULL);
    free(json);
    ps_protocol_doc_free(doc);
    return 0;
}

/*
 * fuzz_indexer_manifest.c — the indexer's two text formats on arbitrary bytes: the --manifest
 * parser (TSV / JSON Lines) and the file-state manifest stored in the index. Neither may crash,
 * leak or loop; a file state that parses must serialize and parse back to the same text.
 */
#include "protokollsok/indexer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_error err;
    ps_indexer_manifest *m = NULL;
    if (ps_indexer_manifest_parse((const char *)data, size, "base", "fuzz.tsv", &m, &err) == PS_OK) {
        for (size_t i = 0; i < ps_indexer_manifest_count(m); i++) {
            const ps_indexer_manifest_entry *e = ps_indexer_manifest_at(m, i);
            if (ps_indexer_manifest_find(m, e->path, 0, 0) == NULL)
                abort(); /* every row is found by its own path */
            (void)ps_indexer_manifest_entry_hash(e);
        }
        ps_indexer_manifest_free(m);
    }
    ps_indexer_filestate *fs = NULL;
    if (ps_indexer_filestate_parse((const char *)data, size, &fs, &err) == PS_OK) {
        size_t len1, len2;
        char *t1 = ps_indexer_filestate_serialize(fs, &len1);
        ps_indexer_filestate *back = NULL;
        if (!t1 || ps_indexer_filestate_parse(t1, len1, &back, &err) != PS_OK)
            abort();
        char *t2 = ps_indexer_filestate_serialize(back, &len2);
        if (!t2 || len1 != len2 || memcmp(t1, t2, len1) != 0)
            abort();
        free(t1);
        free(t2);
        ps_indexer_filestate_free(back);
        ps_indexer_filestate_free(fs);
    }
    return 0;
}

/*
 * fuzz_query.c — libFuzzer harness for the query-language parser: any bytes must either parse
 * (and describe, and re-parse from the description) or fail with PS_ERR_QUERY and a message,
 * never crash, leak or loop.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_query *q = NULL;
    ps_error err;
    ps_status st = ps_query_parse((const char *)data, size, &q, &err);
    if (st != PS_OK) {
        if (st != PS_ERR_QUERY || err.message[0] == '\0' || err.offset < 0 ||
            (size_t)err.offset > size)
            abort();
        return 0;
    }
    char *d = ps_query_describe(q);
    if (!d)
        abort();
    /* The canonical form is itself a valid query with the same canonical form. */
    ps_query *q2 = NULL;
    if (ps_query_parse(d, strlen(d), &q2, &err) == PS_OK) {
        char *d2 = ps_query_describe(q2);
        if (!d2 || strcmp(d, d2) != 0)
            abort();
        free(d2);
    } else if (err.status != PS_ERR_QUERY) {
        abort();
    }
    ps_query_free(q2);
    free(d);
    ps_query_free(q);
    return 0;
}
